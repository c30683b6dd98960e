package org.flexiq.workloads.ir;

import java.util.List;

/** A learned tensor used as an activation: ViT's class token and position embeddings. Parameter "value". */
public record Constant(Shape shape) implements Layer {
    public Constant {
        Layer.require(shape != null, "Constant.shape is missing");
    }

    @Override
    public int minInputs() {
        return 0;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return shape;
    }

    @Override
    public List<ParamSpec> params(List<Shape> inputs) {
        return List.of(ParamSpec.weight("value", shape));
    }
}
