package org.flexiq.workloads.ir;

/** 1 / sqrt(x + epsilon): a variance to its inverse standard deviation (LayerNormalization built from layers). */
public record InverseStdDev(float epsilon) implements Activation {
    @Override
    public float apply(float x) {
        return (float) (1.0 / Math.sqrt(x + (double) epsilon));
    }
}
