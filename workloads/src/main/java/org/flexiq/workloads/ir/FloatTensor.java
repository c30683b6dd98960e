package org.flexiq.workloads.ir;

/** A dense row-major tensor of floats. The array is shared, not copied: treat it as owned by the tensor. */
public record FloatTensor(Shape shape, float[] data) implements Tensor {
    public FloatTensor {
        Tensor.checkLength(shape, data.length);
    }

    public FloatTensor(Shape shape) {
        this(shape, new float[shape.elementCount()]);
    }

    @Override
    public DType dtype() {
        return DType.F32;
    }
}
