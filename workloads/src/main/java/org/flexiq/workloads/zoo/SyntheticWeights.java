package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Tensor;
import org.flexiq.workloads.ir.TensorSource;

import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A zoo model's weights, generated on demand. Each tensor's stream is seeded from the model seed and the
 * tensor's name alone, so a tensor does not change when another is added, and the same seed gives the same
 * bytes on every JVM.
 */
final class SyntheticWeights implements TensorSource {
    private final long seed;
    private final Map<String, ParamSpec> specs;
    private final Map<String, WeightInit> inits;
    /**
     * Tensors made, kept while memory allows: calibration's samples, the quantizer and the executors each read every tensor,
     * making one costs a Gaussian draw per value, and the same name always makes the same values. Readers never write them.
     */
    private final Map<String, SoftReference<FloatTensor>> made = new ConcurrentHashMap<>();

    SyntheticWeights(long seed, Graph graph, Map<String, WeightInit> inits) {
        this.seed = seed;
        this.specs = graph.paramTensors();
        this.inits = Map.copyOf(inits);
        for (String name : specs.keySet()) {
            if (!inits.containsKey(name)) {
                throw new IllegalStateException("zoo model " + graph.name() + " has no initializer for " + name);
            }
        }
    }

    @Override
    public List<String> names() {
        return List.copyOf(specs.keySet());
    }

    @Override
    public Tensor get(String name) {
        ParamSpec spec = specs.get(name);
        if (spec == null) {
            throw new IrException("no tensor named '" + name + "'");
        }
        SoftReference<FloatTensor> kept = made.get(name);
        FloatTensor t = kept == null ? null : kept.get();
        if (t == null) {
            float[] data = new float[spec.shape().elementCount()];
            inits.get(name).fill(data, spec.shape().dim(0), new SplittableRandom(streamSeed(seed, name)));
            t = new FloatTensor(spec.shape(), data);
            made.put(name, new SoftReference<>(t));
        }
        return t;
    }

    /** FNV-1a over the name's UTF-8 bytes, mixed with the seed by SplitMix64's finalizer. */
    static long streamSeed(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
