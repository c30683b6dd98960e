package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic calibration inputs for zoo models, by what each graph input feeds: token ids for an
 * Embedding, smooth normalized images for [C, H, W], and hidden states with a few outlier channels (as LLM
 * activations have) for [T, D].
 */
public final class SyntheticInputs {
    /** Hidden-state channels that are outliers, and their scale: OPT-class models show a handful at 10-100x. */
    private static final int OUTLIER_EVERY = 97;
    private static final double OUTLIER_SCALE = 20;

    private SyntheticInputs() {
    }

    /** {@code count} samples; sample i depends only on (seed, i). */
    public static List<Map<String, FloatTensor>> batch(Graph g, int count, long seed) {
        List<Map<String, FloatTensor>> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Map<String, FloatTensor> s = new LinkedHashMap<>();
            for (TensorInfo in : g.inputs()) {
                SplittableRandom rng = new SplittableRandom(SyntheticWeights.streamSeed(seed + i, in.name()));
                s.put(in.name(), sample(g, in, rng));
            }
            samples.add(s);
        }
        return samples;
    }

    private static FloatTensor sample(Graph g, TensorInfo in, SplittableRandom rng) {
        for (Node n : g.consumers(in.name())) {
            if (n.layer() instanceof Embedding e) {
                float[] ids = new float[in.shape().elementCount()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rng.nextInt(e.vocab());
                }
                return new FloatTensor(in.shape(), ids);
            }
        }
        return in.shape().rank() == 3 ? image(in.shape(), rng) : hidden(in.shape(), rng);
    }

    /** Sums of a few random low-frequency waves plus noise, per channel normalized to mean 0 and std 1. */
    private static FloatTensor image(Shape s, SplittableRandom rng) {
        int c = s.dim(0);
        int h = s.dim(1);
        int w = s.dim(2);
        float[] d = new float[s.elementCount()];
        for (int ch = 0; ch < c; ch++) {
            double[] fy = new double[4];
            double[] fx = new double[4];
            double[] ph = new double[4];
            double[] amp = new double[4];
            for (int k = 0; k < 4; k++) {
                fy[k] = 2 * Math.PI * rng.nextDouble() * 3 / h;
                fx[k] = 2 * Math.PI * rng.nextDouble() * 3 / w;
                ph[k] = 2 * Math.PI * rng.nextDouble();
                amp[k] = rng.nextDouble();
            }
            double sum = 0;
            double sq = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0.2 * WeightInit.gaussian(rng);
                    for (int k = 0; k < 4; k++) {
                        v += amp[k] * Math.cos(fy[k] * y + fx[k] * x + ph[k]);
                    }
                    d[(ch * h + y) * w + x] = (float) v;
                    sum += v;
                    sq += v * v;
                }
            }
            double mean = sum / (h * w);
            double std = Math.sqrt(Math.max(sq / (h * w) - mean * mean, 1e-12));
            for (int i = ch * h * w; i < (ch + 1) * h * w; i++) {
                d[i] = (float) ((d[i] - mean) / std);
            }
        }
        return new FloatTensor(s, d);
    }

    private static FloatTensor hidden(Shape s, SplittableRandom rng) {
        int dim = s.last();
        float[] d = new float[s.elementCount()];
        for (int i = 0; i < d.length; i++) {
            double scale = (i % dim) % OUTLIER_EVERY == 5 ? OUTLIER_SCALE : 1;
            d[i] = (float) (scale * WeightInit.gaussian(rng));
        }
        return new FloatTensor(s, d);
    }
}
