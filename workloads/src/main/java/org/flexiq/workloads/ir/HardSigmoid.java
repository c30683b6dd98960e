package org.flexiq.workloads.ir;

/** max(0, min(1, alpha x + beta)) (ONNX's HardSigmoid), and with {@code timesInput} x times that (HardSwish: 1/6, 1/2). */
public record HardSigmoid(float alpha, float beta, boolean timesInput) implements Activation {
    @Override
    public float apply(float x) {
        float h = Math.max(0f, Math.min(1f, alpha * x + beta));
        return timesInput ? x * h : h;
    }
}
