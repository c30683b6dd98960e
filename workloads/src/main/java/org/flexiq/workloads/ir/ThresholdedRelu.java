package org.flexiq.workloads.ir;

/** x above alpha, else 0 (ONNX's ThresholdedRelu). */
public record ThresholdedRelu(float alpha) implements Activation {
    @Override
    public float apply(float x) {
        return x > alpha ? x : 0f;
    }
}
