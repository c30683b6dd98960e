package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Table lookup: token ids [T] (integral values in [0, vocab)) -> [T, dim]; weight [vocab, dim]. */
public record Embedding(int vocab, int dim) implements Layer {
    public Embedding {
        require(vocab >= 1 && dim >= 1, "Embedding needs vocab >= 1 and dim >= 1, got " + vocab + " and " + dim);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(in.rank() == 1, "Embedding expects token ids [T], got " + in);
        return Shape.of(in.dim(0), dim);
    }

    @Override
    public List<ParamSpec> params(List<Shape> inputs) {
        return List.of(ParamSpec.weight("weight", Shape.of(vocab, dim)));
    }
}
