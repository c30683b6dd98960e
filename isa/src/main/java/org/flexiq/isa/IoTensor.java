package org.flexiq.isa;

import java.util.Arrays;

/**
 * A program input or output in DRAM: element (i0, i1, ...) of the logical shape lies at
 * dram + sum(i_d * strides[d]) bytes. Int8 codes (activations) or int32 values (token ids).
 */
public record IoTensor(String name, Role role, boolean int32, int dram, int[] shape, int[] strides) {
    public enum Role { INPUT, OUTPUT }

    public IoTensor {
        if (shape.length != strides.length) {
            throw new IsaException("tensor " + name + ": shape has " + shape.length + " dims but strides " + strides.length);
        }
        shape = shape.clone();
        strides = strides.clone();
    }

    public int elements() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** DRAM byte address of the element at row-major position {@code index}. */
    public long address(int index) {
        long a = dram;
        for (int d = shape.length - 1; d >= 0; d--) {
            a += (long) (index % shape[d]) * strides[d];
            index /= shape[d];
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IoTensor t && t.name.equals(name) && t.role == role && t.int32 == int32 && t.dram == dram
                && Arrays.equals(t.shape, shape) && Arrays.equals(t.strides, strides);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + dram;
    }

    @Override
    public String toString() {
        return name + " " + role + " dram=" + dram + " shape=" + Arrays.toString(shape) + " strides=" + Arrays.toString(strides);
    }
}
