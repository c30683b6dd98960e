package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Model;

import java.util.LinkedHashMap;
import java.util.Map;

/** One built-in architecture: exact layer shapes, synthetic deterministic weights. */
public final class ZooModel {
    private final String name;
    private final String description;
    private final ZooOptions defaults;
    private final Architecture architecture;

    ZooModel(String name, String description, ZooOptions defaults, Architecture architecture) {
        this.name = name;
        this.description = description;
        this.defaults = defaults;
        this.architecture = architecture;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public ZooOptions defaults() {
        return defaults;
    }

    public Graph graph(ZooOptions options) {
        GraphBuilder b = new GraphBuilder(name);
        return b.build(architecture.define(b, options));
    }

    /** The graph with weights drawn from {@code seed}; weights are generated when first asked for. */
    public Model model(ZooOptions options, long seed) {
        GraphBuilder b = new GraphBuilder(name);
        Graph g = b.build(architecture.define(b, options));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "zoo");
        meta.put("zoo.model", name);
        meta.put("zoo.seed", Long.toString(seed));
        meta.put("zoo.imageSize", Integer.toString(options.imageSize()));
        meta.put("zoo.seqLen", Integer.toString(options.seqLen()));
        meta.put("weights", "synthetic: per-channel log-normal scales (sigma " + GraphBuilder.CHANNEL_SIGMA + ")");
        return new Model(g, new SyntheticWeights(seed, g, b.inits()), meta);
    }
}
