package org.flexiq.workloads.ir;

/** 1 / x (ONNX's Reciprocal; a Div of two activations imports as a Mul by the divisor's reciprocal). */
public record Reciprocal() implements Activation {
    @Override
    public float apply(float x) {
        return 1f / x;
    }
}
