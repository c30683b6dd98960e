package org.flexiq.workloads.ir;

/** 1 / (1 + e^-x). */
public record Sigmoid() implements Activation {
    @Override
    public float apply(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
