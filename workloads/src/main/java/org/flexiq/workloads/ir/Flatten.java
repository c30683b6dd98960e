package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Merges dimensions startAxis..end into one: [C, H, W] with startAxis 1 -> [C, H*W]. */
public record Flatten(int startAxis) implements Layer {
    public Flatten {
        require(startAxis >= 0, "Flatten.startAxis must be >= 0, got " + startAxis);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(startAxis < in.rank(), "Flatten.startAxis " + startAxis + " is out of range for " + in);
        int[] dims = new int[startAxis + 1];
        for (int i = 0; i < startAxis; i++) {
            dims[i] = in.dim(i);
        }
        dims[startAxis] = (int) in.product(startAxis, in.rank());
        return Shape.of(dims);
    }
}
