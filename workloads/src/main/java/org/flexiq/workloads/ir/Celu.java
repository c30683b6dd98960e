package org.flexiq.workloads.ir;

/** max(0, x) + min(0, alpha (e^(x / alpha) - 1)) (ONNX's Celu). */
public record Celu(float alpha) implements Activation {
    public Celu {
        Layer.require(alpha != 0 && Float.isFinite(alpha), "Celu.alpha must be finite and non-zero, got " + alpha);
    }

    @Override
    public float apply(float x) {
        return Math.max(0f, x) + Math.min(0f, alpha * (float) Math.expm1(x / alpha));
    }
}
