package org.flexiq.workloads.ir;

/** A dense row-major tensor of bytes. The array is shared, not copied: treat it as owned by the tensor. */
public record Int8Tensor(Shape shape, byte[] data) implements Tensor {
    public Int8Tensor {
        Tensor.checkLength(shape, data.length);
    }

    public Int8Tensor(Shape shape) {
        this(shape, new byte[shape.elementCount()]);
    }

    @Override
    public DType dtype() {
        return DType.I8;
    }
}
