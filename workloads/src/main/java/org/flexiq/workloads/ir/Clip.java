package org.flexiq.workloads.ir;

/**
 * min(max(x, min), max) for bounds other than ReLU's and ReLU6's (those are {@link Relu} and {@link Relu6}, which
 * keep their input's scale); an infinite bound is no bound.
 */
public record Clip(float min, float max) implements Activation {
    public Clip {
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException("Clip: min " + min + " must not exceed max " + max);
        }
    }

    @Override
    public float apply(float x) {
        return Math.min(Math.max(x, min), max);
    }
}
