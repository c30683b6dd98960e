package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Model;

import org.flexiq.workloads.flx.FlxReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** One built-in architecture: exact layer shapes, synthetic deterministic weights. */
public final class ZooModel {
    private final String name;
    private final String description;
    private final ZooOptions defaults;
    private final Architecture architecture;
    private final boolean trained;

    ZooModel(String name, String description, ZooOptions defaults, Architecture architecture) {
        this(name, description, defaults, architecture, false);
    }

    /**
     * @param trained true when really trained weights ship as the resource {@code <name>.flx} beside this
     *                class (made by tools/train_fmnist.sh); they exist at the default sizes only
     */
    ZooModel(String name, String description, ZooOptions defaults, Architecture architecture, boolean trained) {
        this.name = name;
        this.description = description;
        this.defaults = defaults;
        this.architecture = architecture;
        this.trained = trained;
    }

    /** Whether {@link #model} gives trained weights rather than synthetic ones. */
    public boolean trained() {
        return trained;
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

    /**
     * The model: trained weights when the zoo has them (then {@code options} must be the defaults and the seed
     * is not used), otherwise synthetic weights drawn from {@code seed}.
     */
    public Model model(ZooOptions options, long seed) {
        if (!trained) {
            return syntheticModel(options, seed);
        }
        if (!options.equals(defaults)) {
            throw new IllegalArgumentException(name + " has trained weights for " + defaults.imageSize() + "x"
                    + defaults.imageSize() + " inputs and all its blocks only; use its synthetic form for other sizes");
        }
        String resource = name + ".flx";
        try (InputStream in = ZooModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the trained weights of " + name + " are missing from the build (" + resource + ")");
            }
            return FlxReader.read("zoo:" + resource, in.readAllBytes()).model();
        } catch (IOException e) {
            throw new IllegalStateException("the trained weights of " + name + " are unreadable: " + e.getMessage(), e);
        }
    }

    /** The graph with weights drawn from {@code seed}; weights are generated when first asked for. */
    public Model syntheticModel(ZooOptions options, long seed) {
        GraphBuilder b = new GraphBuilder(name);
        Graph g = b.build(architecture.define(b, options));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "zoo");
        meta.put("zoo.model", name);
        meta.put("zoo.seed", Long.toString(seed));
        meta.put("zoo.imageSize", Integer.toString(options.imageSize()));
        meta.put("zoo.seqLen", Integer.toString(options.seqLen()));
        if (options.blocks() != 0) {
            meta.put("zoo.blocks", Integer.toString(options.blocks()));
        }
        meta.put("weights", "synthetic: per-channel log-normal scales (sigma " + GraphBuilder.CHANNEL_SIGMA + ")");
        return new Model(g, new SyntheticWeights(seed, g, b.inits()), meta);
    }
}
