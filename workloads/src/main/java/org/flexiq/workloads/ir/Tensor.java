package org.flexiq.workloads.ir;

/** A dense row-major tensor in memory. */
public sealed interface Tensor permits FloatTensor, Int8Tensor, Int32Tensor {
    Shape shape();

    DType dtype();

    static void checkLength(Shape shape, int length) {
        if (shape.elementCount() != length) {
            throw new IrException("tensor data has " + length + " elements, shape " + shape + " needs " + shape.elementCount());
        }
    }
}
