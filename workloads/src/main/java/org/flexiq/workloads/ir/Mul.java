package org.flexiq.workloads.ir;

import java.util.List;

/**
 * Element-wise product of two tensors (gates, masks, a scale that no layer before can take). The second input may
 * broadcast as {@link Add}'s does: the first's rank, each dimension equal to the first's or 1.
 */
public record Mul() implements Layer {
    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Layer.broadcastSecond("Mul", inputs);
    }
}
