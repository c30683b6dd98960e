package org.flexiq.workloads.ir;

/** A dense row-major tensor of ints. The array is shared, not copied: treat it as owned by the tensor. */
public record Int32Tensor(Shape shape, int[] data) implements Tensor {
    public Int32Tensor {
        Tensor.checkLength(shape, data.length);
    }

    public Int32Tensor(Shape shape) {
        this(shape, new int[shape.elementCount()]);
    }

    @Override
    public DType dtype() {
        return DType.I32;
    }
}
