package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/**
 * Inference-mode batch normalization over dimension 0 (channels) of [C, ...]:
 * y = gamma (x - mean) / sqrt(var + eps) + beta. Foldable into a preceding convolution; mean and var are
 * buffers, not parameters.
 */
public record BatchNorm(double eps) implements Layer {
    public BatchNorm {
        require(eps > 0 && eps < 1, "BatchNorm.eps must be in (0, 1), got " + eps);
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
        Shape c = Shape.of(inputs.get(0).dim(0));
        return List.of(ParamSpec.weight("gamma", c), ParamSpec.weight("beta", c),
                ParamSpec.buffer("mean", c), ParamSpec.buffer("var", c));
    }
}
