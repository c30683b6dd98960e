package org.flexiq.workloads.ir;

/** x * sigmoid(x). */
public record Silu() implements Activation {
    @Override
    public float apply(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }
}
