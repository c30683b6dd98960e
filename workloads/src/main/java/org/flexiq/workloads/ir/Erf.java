package org.flexiq.workloads.ir;

/** The Gauss error function erf(x), standalone (inside GELU it is part of {@link Gelu}). */
public record Erf() implements Activation {
    @Override
    public float apply(float x) {
        return (float) org.apache.commons.numbers.gamma.Erf.value(x);
    }
}
