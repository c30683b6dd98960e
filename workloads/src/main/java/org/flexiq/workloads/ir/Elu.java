package org.flexiq.workloads.ir;

/** gamma times x, or gamma alpha (e^x - 1) at or below zero: ONNX's Elu (gamma 1) and Selu. */
public record Elu(float alpha, float gamma) implements Activation {
    @Override
    public float apply(float x) {
        return gamma * (x <= 0 ? alpha * (float) Math.expm1(x) : x);
    }
}
