package org.flexiq.compiler.quant;

import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs the float model over calibration samples (in parallel; every statistic is a max or a histogram
 * count, so the result does not depend on thread timing) and records per-tensor ranges and per-channel
 * maxima of every Conv2d/Linear input.
 */
public final class Calibrator {
    private static final int BINS = 4096;

    private Calibrator() {
    }

    /** Which axis holds the feature channels of a tensor read by a GEMM layer, or -1 when none reads it. */
    static int channelAxis(Graph g, String tensor) {
        for (Node n : g.consumers(tensor)) {
            if (n.layer() instanceof Conv2d) {
                return 0;
            }
            if (n.layer() instanceof Linear) {
                return g.shape(tensor).rank() - 1;
            }
        }
        return -1;
    }

    public static CalibrationStats calibrate(Model model, List<Map<String, FloatTensor>> samples, CalibrationMethod method) {
        return calibrate(model, samples, method, null);
    }

    /** @param keep where to keep node outputs for {@link #codeHistograms} (null: none) */
    public static CalibrationStats calibrate(Model model, List<Map<String, FloatTensor>> samples, CalibrationMethod method, KeptOutputs keep) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one sample");
        }
        Graph g = model.graph();
        FloatExecutor exec = new FloatExecutor(model);
        Partial total = IntStream.range(0, samples.size()).parallel()
                .mapToObj(i -> observe(g, exec, samples.get(i), null, i, keep))
                .reduce(Partial::merge).orElseThrow();
        Map<String, Double> range = new HashMap<>(total.max);
        if (method.percentile() < 100) {
            Partial hist = IntStream.range(0, samples.size()).parallel()
                    .mapToObj(i -> observe(g, exec, samples.get(i), total.max, i, null))
                    .reduce(Partial::merge).orElseThrow();
            for (Map.Entry<String, long[]> h : hist.histograms.entrySet()) {
                range.put(h.getKey(), percentile(h.getValue(), total.max.get(h.getKey()), method.percentile()));
            }
        }
        return new CalibrationStats(range, total.channelMax, samples.size());
    }

    /**
     * Per-channel histograms of the int8 codes each site's tensor takes over the calibration samples (its
     * float values quantized with the tensor's scale, as the 8-bit model computes them up to rounding):
     * {@code [site tensor][channel][code + 128]}. Counts add, so the result does not depend on thread timing.
     */
    public static Map<String, long[][]> codeHistograms(Model model, List<Map<String, FloatTensor>> samples, Map<String, Double> scales,
                                                      java.util.Collection<Site> sites) {
        return codeHistograms(model, samples, scales, sites, null);
    }

    /** @param kept the sites' outputs {@link #calibrate} kept (null: none): those samples are not run again */
    public static Map<String, long[][]> codeHistograms(Model model, List<Map<String, FloatTensor>> samples, Map<String, Double> scales,
                                                      java.util.Collection<Site> sites, KeptOutputs kept) {
        Map<String, Site> byTensor = new HashMap<>();
        for (Site s : sites) {
            byTensor.put(s.tensor(), s);
        }
        FloatExecutor exec = new FloatExecutor(model);
        return IntStream.range(0, samples.size()).parallel().mapToObj(i -> {
            Map<String, long[][]> h = new HashMap<>();
            Map<String, FloatTensor> outputs = kept == null ? null : kept.outputs(i);
            if (outputs != null && outputs.keySet().containsAll(byTensor.keySet())) {
                byTensor.forEach((name, s) -> h.put(name, histogram(outputs.get(name), s, scales.get(name))));
                return h;
            }
            exec.run(samples.get(i), (Node n, FloatTensor out) -> {
                Site s = byTensor.get(n.name());
                if (s != null) {
                    h.put(n.name(), histogram(out, s, scales.get(n.name())));
                }
            });
            return h;
        }).reduce((a, b) -> {
            b.forEach((k, v) -> a.merge(k, v, (x, y) -> {
                for (int c = 0; c < x.length; c++) {
                    for (int j = 0; j < x[c].length; j++) {
                        x[c][j] += y[c][j];
                    }
                }
                return x;
            }));
            return a;
        }).orElseThrow();
    }

    private static long[][] histogram(FloatTensor t, Site s, double scale) {
        long[][] h = new long[s.channels()][256];
        float[] d = t.data();
        int inner = (int) t.shape().product(s.axis() + 1, t.shape().rank());
        for (int i = 0; i < d.length; i++) {
            int c = (i / inner) % s.channels();
            long q = Quantizer.roundHalfAway(d[i] / scale); // the int8 code, rounded as Quantizer rounds
            int code = (int) Math.max(-128, Math.min(127, q));
            h[c][code + 128]++;
        }
        return h;
    }

    private static double percentile(long[] hist, double max, double p) {
        long count = 0;
        for (long c : hist) {
            count += c;
        }
        long target = (long) Math.ceil(count * p / 100.0);
        long seen = 0;
        for (int b = 0; b < hist.length; b++) {
            seen += hist[b];
            if (seen >= target) {
                return max * (b + 1) / hist.length;
            }
        }
        return max;
    }

    /** Statistics of one or more samples; merged by max and by adding histograms. */
    private static final class Partial {
        final Map<String, Double> max = new HashMap<>();
        final Map<String, float[]> channelMax = new HashMap<>();
        final Map<String, long[]> histograms = new HashMap<>();

        Partial merge(Partial o) {
            o.max.forEach((k, v) -> max.merge(k, v, Math::max));
            o.channelMax.forEach((k, v) -> channelMax.merge(k, v, (a, b) -> {
                float[] m = a.clone();
                for (int i = 0; i < m.length; i++) {
                    m[i] = Math.max(m[i], b[i]);
                }
                return m;
            }));
            o.histograms.forEach((k, v) -> histograms.merge(k, v, (a, b) -> {
                long[] s = a.clone();
                for (int i = 0; i < s.length; i++) {
                    s[i] += b[i];
                }
                return s;
            }));
            return this;
        }
    }

    private static Partial observe(Graph g, FloatExecutor exec, Map<String, FloatTensor> sample, Map<String, Double> histRange, int index,
                                   KeptOutputs keep) {
        Partial p = new Partial();
        for (TensorInfo in : g.inputs()) {
            record(g, in.name(), sample.get(in.name()), p, histRange);
        }
        // tensors are never written after they are made, so keeping the executor's own is safe
        Map<String, FloatTensor> outputs = keep == null ? null : new HashMap<>();
        exec.run(sample, (Node n, FloatTensor out) -> {
            record(g, n.name(), out, p, histRange);
            if (outputs != null && keep.wants(n.name())) {
                outputs.put(n.name(), out);
            }
        });
        if (outputs != null) {
            keep.offer(index, outputs);
        }
        return p;
    }

    private static void record(Graph g, String name, FloatTensor t, Partial p, Map<String, Double> histRange) {
        float[] d = t.data();
        if (histRange != null) {
            double max = histRange.get(name);
            long[] h = new long[BINS];
            if (max > 0) {
                for (float v : d) {
                    h[(int) Math.min(BINS - 1, Math.abs(v) / max * BINS)]++;
                }
            }
            p.histograms.put(name, h);
            return;
        }
        double m = 0;
        for (float v : d) {
            m = Math.max(m, Math.abs(v));
        }
        p.max.put(name, m);
        int axis = channelAxis(g, name);
        if (axis < 0) {
            return;
        }
        int channels = t.shape().dim(axis);
        float[] cm = new float[channels];
        int inner = (int) t.shape().product(axis + 1, t.shape().rank());
        for (int i = 0; i < d.length; i++) {
            int c = (i / inner) % channels;
            cm[c] = Math.max(cm[c], Math.abs(d[i]));
        }
        p.channelMax.put(name, cm);
    }
}
