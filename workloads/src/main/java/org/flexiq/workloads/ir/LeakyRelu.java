package org.flexiq.workloads.ir;

/** x, or alpha x below zero (ONNX's LeakyRelu; alpha 0.01 by default). */
public record LeakyRelu(float alpha) implements Activation {
    @Override
    public float apply(float x) {
        return x < 0 ? alpha * x : x;
    }
}
