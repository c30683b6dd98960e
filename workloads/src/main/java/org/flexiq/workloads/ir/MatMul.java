package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/**
 * Product of two activations, batched over equal leading dimensions: [..., M, K] x [..., K, N] -> [..., M, N].
 * Attention's Q K^T and A V.
 */
public record MatMul() implements Layer {
    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape a = inputs.get(0);
        Shape b = inputs.get(1);
        require(a.rank() >= 2 && a.rank() == b.rank(), "MatMul needs two inputs of equal rank >= 2, got " + a + " and " + b);
        for (int i = 0; i < a.rank() - 2; i++) {
            require(a.dim(i) == b.dim(i), "MatMul batch dimensions differ: " + a + " and " + b);
        }
        require(a.dim(-1) == b.dim(-2), "MatMul inner dimensions differ: " + a + " x " + b);
        return a.withDim(-1, b.dim(-1));
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        return (long) output.elementCount() * inputs.get(0).dim(-1);
    }
}
