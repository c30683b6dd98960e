package org.flexiq.workloads.ir;

import java.util.ArrayList;
import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** y = x W^T + b over the last dimension: [..., K] -> [..., outFeatures], weight [outFeatures, K]. */
public record Linear(int outFeatures, boolean bias) implements Layer {
    public Linear {
        require(outFeatures >= 1, "Linear.outFeatures must be >= 1, got " + outFeatures);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return inputs.get(0).withDim(-1, outFeatures);
    }

    @Override
    public List<ParamSpec> params(List<Shape> inputs) {
        List<ParamSpec> p = new ArrayList<>(2);
        p.add(ParamSpec.weight("weight", Shape.of(outFeatures, inputs.get(0).last())));
        if (bias) {
            p.add(ParamSpec.weight("bias", Shape.of(outFeatures)));
        }
        return p;
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        return (long) inputs.get(0).elementCount() * outFeatures;
    }
}
