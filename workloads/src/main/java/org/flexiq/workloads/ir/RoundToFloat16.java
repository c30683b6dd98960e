package org.flexiq.workloads.ir;

/** x rounded to the nearest float16 (ONNX's Cast to FLOAT16 of an activation; ties to even). */
public record RoundToFloat16() implements Activation {
    @Override
    public float apply(float x) {
        return Binary16.round(x);
    }
}
