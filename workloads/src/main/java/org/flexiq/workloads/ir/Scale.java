package org.flexiq.workloads.ir;

/** x times a constant (a ReduceSum is the mean over the reduced elements times their count). */
public record Scale(float factor) implements Activation {
    public Scale {
        Layer.require(Float.isFinite(factor), "Scale.factor must be finite, got " + factor);
    }

    @Override
    public float apply(float x) {
        return x * factor;
    }
}
