package org.flexiq.workloads.ir;

/** max(0, x). */
public record Relu() implements Activation {
    @Override
    public float apply(float x) {
        return x > 0 ? x : 0f;
    }
}
