package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Normalization over the last dimension with learned gamma and beta [D]. */
public record LayerNorm(double eps) implements Layer {
    public LayerNorm {
        require(eps > 0 && eps < 1, "LayerNorm.eps must be in (0, 1), got " + eps);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public List<ParamSpec> params(List<Shape> inputs) {
        Shape d = Shape.of(inputs.get(0).last());
        return List.of(ParamSpec.weight("gamma", d), ParamSpec.weight("beta", d));
    }
}
