package org.flexiq.workloads.ir;

/** tanh(x). */
public record Tanh() implements Activation {
    @Override
    public float apply(float x) {
        return (float) Math.tanh(x);
    }
}
