package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/**
 * softmax(scale * x) over the last dimension. {@code causal} masks position j > i of a [..., T, T] input
 * (decoder self-attention); {@code scale} carries attention's 1 / sqrt(d_head).
 */
public record Softmax(double scale, boolean causal) implements Layer {
    public Softmax {
        require(scale > 0 && Double.isFinite(scale), "Softmax.scale must be a positive finite number, got " + scale);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(!causal || (in.rank() >= 2 && in.dim(-1) == in.dim(-2)), "causal Softmax needs a [..., T, T] input, got " + in);
        return in;
    }
}
