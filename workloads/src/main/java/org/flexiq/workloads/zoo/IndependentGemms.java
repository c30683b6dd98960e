package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model of independent matrix products, each with its own input: out_i[M, N] = relu(in_i[M, K]) W_i^T. The
 * ReLU makes each operand a feature tensor FlexiQ can run at 4 bits (a graph input stays 8-bit, as a first
 * layer does), with the non-negative ranges of the post-activation tensors such layers read; a product whose
 * K is not a multiple of the group width G reads its input directly and stays 8-bit (FlexiQ groups K by G).
 * The weights
 * are drawn like the zoo's (log-normally spread output-channel scales, std 1 / sqrt(K)), so FlexiQ's channel
 * selection has the same kind of ranges to work with. Imported SCALE-Sim topologies become such models.
 */
public final class IndependentGemms {
    /** One product: its node name, M rows, K reduction, N outputs. */
    public record Gemm(String name, int m, int k, int n) {
    }

    private IndependentGemms() {
    }

    /**
     * Node {@code g.name()} reads {@code g.name() + ".act"}, the ReLU of input {@code g.name() + ".in"} [M, K] (or the
     * input itself when K is not a multiple of {@code groupWidth}); every product is a model output.
     */
    public static Model of(String name, List<Gemm> gemms, int groupWidth, long seed) {
        GraphBuilder b = new GraphBuilder(name);
        List<String> outputs = new ArrayList<>();
        for (Gemm g : gemms) {
            String in = b.input(g.name() + ".in", Shape.of(g.m(), g.k()));
            String operand = g.k() % groupWidth == 0 ? b.act(g.name() + ".act", new Relu(), in) : in;
            outputs.add(b.linear(g.name(), operand, g.n(), false, 1.0));
        }
        Graph graph = b.build(outputs.toArray(String[]::new));
        return new Model(graph, new SyntheticWeights(seed, graph, b.inits()), Map.of("source", "independent GEMMs, synthetic weights, seed " + seed));
    }
}
