package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

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
        Shape a = inputs.get(0);
        Shape b = inputs.get(1);
        require(a.rank() == b.rank(), "Mul inputs have different ranks: " + a + " and " + b);
        for (int i = 0; i < a.rank(); i++) {
            require(b.dim(i) == a.dim(i) || b.dim(i) == 1, "Mul cannot broadcast " + b + " onto " + a);
        }
        return a;
    }
}
