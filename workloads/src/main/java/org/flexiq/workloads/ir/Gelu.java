package org.flexiq.workloads.ir;

/** GELU, exact (erf) form: x * Phi(x), as in ViT and BERT. */
public record Gelu() implements Activation {
    @Override
    public float apply(float x) {
        return (float) (0.5 * x * (1.0 + org.apache.commons.numbers.gamma.Erf.value(x / Math.sqrt(2.0))));
    }
}
