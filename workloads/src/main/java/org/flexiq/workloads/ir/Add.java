package org.flexiq.workloads.ir;

import java.util.List;

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
        return Layer.broadcastSecond("Add", inputs);
    }
}
