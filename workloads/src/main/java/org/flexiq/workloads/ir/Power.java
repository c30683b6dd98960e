package org.flexiq.workloads.ir;

/** x to a constant power (ONNX's Pow with a scalar exponent known at import). */
public record Power(float exponent) implements Activation {
    public Power {
        Layer.require(Float.isFinite(exponent), "Power.exponent must be finite, got " + exponent);
    }

    @Override
    public float apply(float x) {
        return (float) Math.pow(x, exponent);
    }
}
