package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Mean over H and W: [C, H, W] -> [C]. */
public record GlobalAvgPool() implements Layer {
    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(in.rank() == 3, "GlobalAvgPool expects a [C, H, W] input, got " + in);
        return Shape.of(in.dim(0));
    }
}
