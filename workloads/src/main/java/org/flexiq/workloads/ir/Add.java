package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/**
 * Element-wise sum of two tensors (residual joins, embedding sums). The second input may broadcast: it has
 * the first's rank and each of its dimensions equals the first's or is 1.
 */
public record Add() implements Layer {
    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape a = inputs.get(0);
        Shape b = inputs.get(1);
        require(a.rank() == b.rank(), "Add inputs have different ranks: " + a + " and " + b);
        for (int i = 0; i < a.rank(); i++) {
            require(b.dim(i) == a.dim(i) || b.dim(i) == 1, "Add cannot broadcast " + b + " onto " + a);
        }
        return a;
    }
}
