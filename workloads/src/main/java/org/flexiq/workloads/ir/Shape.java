package org.flexiq.workloads.ir;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;

/**
 * The dimensions of one tensor, without a batch dimension (batch is a run-time concern).
 * Every dimension is at least 1 and the element count fits a Java array, so a shape read from an
 * untrusted file can never make us allocate absurd memory.
 */
public final class Shape {
    /** Largest element count of one tensor: Java arrays are int-indexed. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Largest rank we accept. */
    public static final int MAX_RANK = 8;

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        int[] copy = dims.clone();
        if (copy.length > MAX_RANK) {
            throw new IrException("shape " + Arrays.toString(copy) + " has rank " + copy.length + ", at most " + MAX_RANK + " allowed");
        }
        long count = 1;
        for (int d : copy) {
            if (d < 1) {
                throw new IrException("shape " + Arrays.toString(copy) + " has dimension " + d + ", every dimension must be >= 1");
            }
            count *= d;
            if (count > MAX_ELEMENTS) {
                throw new IrException("shape " + Arrays.toString(copy) + " has more than " + MAX_ELEMENTS + " elements");
            }
        }
        return new Shape(copy);
    }

    @JsonCreator
    public static Shape of(List<Integer> dims) {
        if (dims == null) {
            throw new IrException("shape is missing");
        }
        int[] arr = new int[dims.size()];
        for (int i = 0; i < arr.length; i++) {
            Integer d = dims.get(i);
            if (d == null) {
                throw new IrException("shape has a null dimension at index " + i);
            }
            arr[i] = d;
        }
        return of(arr);
    }

    @JsonValue
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}; negative indices count from the end, as in NumPy. */
    public int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public int last() {
        return dims[dims.length - 1];
    }

    public int elementCount() {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Product of dimensions [from, to). */
    public long product(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }

    public Shape withDim(int i, int value) {
        int[] copy = dims.clone();
        copy[i < 0 ? copy.length + i : i] = value;
        return of(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
