package org.flexiq.workloads.ir;

/** -x (ONNX's Neg; a Sub of two activations imports as an Add of the first and the negated second). */
public record Neg() implements Activation {
    @Override
    public float apply(float x) {
        return -x;
    }
}
