package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Concatenation along {@code axis}; all other dimensions must agree. */
public record Concat(int axis) implements Layer {
    public Concat {
        require(axis >= 0, "Concat.axis must be >= 0, got " + axis);
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return 64;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape first = inputs.get(0);
        require(axis < first.rank(), "Concat.axis " + axis + " is out of range for " + first);
        long total = 0;
        for (Shape s : inputs) {
            require(s.rank() == first.rank(), "Concat inputs have different ranks: " + first + " and " + s);
            for (int i = 0; i < s.rank(); i++) {
                require(i == axis || s.dim(i) == first.dim(i), "Concat inputs differ off axis " + axis + ": " + first + " and " + s);
            }
            total += s.dim(axis);
        }
        require(total <= Integer.MAX_VALUE, "Concat output is too large");
        return first.withDim(axis, (int) total);
    }
}
