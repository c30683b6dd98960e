package org.flexiq.workloads.ir;

/** min(max(0, x), 6). */
public record Relu6() implements Activation {
    @Override
    public float apply(float x) {
        return Math.min(Math.max(x, 0f), 6f);
    }
}
