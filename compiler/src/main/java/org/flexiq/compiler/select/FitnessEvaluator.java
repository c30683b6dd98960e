package org.flexiq.compiler.select;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.golden.GoldenExecutor.IntState;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FlexiQ's fitness: the mean over calibration samples of the squared L2 distance between the model's
 * outputs at a candidate selection and the 8-bit model's outputs, so errors amplified by later layers
 * count; the outputs as {@link ChannelSelection.Fitness} says (the outputs themselves, or the paper's soft
 * labels). Activations before the first layer a candidate changes are taken from a cache keyed by the
 * selections of the sites read before that point, so a child that differs from its parent only in later
 * layers recomputes only those. The cache changes speed, never values.
 */
final class FitnessEvaluator {
    private static final long CACHE_BYTES = 768L << 20;

    private final QuantizedModel base;
    private final Extraction extraction;
    private final ChannelSelection.Fitness metric;
    private final List<Map<String, FloatTensor>> samples;
    private final List<Map<String, float[]>> reference = new ArrayList<>();
    /** Node indices where a site is first read, ascending, and the sites read before each. */
    private final int[] checkpoints;
    private final List<List<String>> sitesBefore = new ArrayList<>();
    private final LinkedHashMap<String, List<IntState>> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;
    private long hits;
    private long evaluations;

    FitnessEvaluator(QuantizedModel base, List<Map<String, FloatTensor>> samples, Extraction extraction, ChannelSelection.Fitness metric) {
        this.base = base;
        this.extraction = extraction;
        this.metric = metric;
        this.samples = List.copyOf(samples);
        GoldenExecutor eightBit = new GoldenExecutor(base.withSites(base.sites(), List.of()), 0, extraction);
        for (Map<String, FloatTensor> s : samples) {
            Map<String, float[]> ref = eightBit.runDequantized(s);
            ref.replaceAll(this::compared);
            reference.add(ref);
        }
        List<Node> nodes = base.graph().nodes();
        Map<String, Integer> firstRead = new HashMap<>();
        for (Site s : base.sites().values()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (s.consumers().contains(nodes.get(i).name())) {
                    firstRead.put(s.tensor(), i);
                    break;
                }
            }
        }
        checkpoints = firstRead.values().stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        for (int cp : checkpoints) {
            List<String> before = new ArrayList<>();
            for (Site s : base.sites().values()) {
                for (String c : s.consumers()) {
                    if (indexOf(nodes, c) < cp) {
                        before.add(s.tensor());
                        break;
                    }
                }
            }
            sitesBefore.add(before);
        }
    }

    private static int indexOf(List<Node> nodes, String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Fitness of {@code sites} (orders and one count each) at {@code ratio}. Thread-safe. */
    double evaluate(Map<String, Site> sites, double ratio) {
        QuantizedModel m = base.withSites(sites, List.of(ratio));
        GoldenExecutor exec = new GoldenExecutor(m, ratio, extraction);
        String[] keys = new String[checkpoints.length];
        int resume = -1;
        List<IntState> states = null;
        for (int c = checkpoints.length - 1; c >= 0; c--) {
            keys[c] = key(c, sites);
        }
        synchronized (cache) {
            evaluations++;
            for (int c = checkpoints.length - 1; c >= 0 && states == null; c--) {
                List<IntState> hit = cache.get(keys[c]);
                if (hit != null) {
                    states = hit;
                    resume = c;
                    hits++;
                }
            }
        }
        List<IntState> current = new ArrayList<>(samples.size());
        int node = 0;
        if (states == null) {
            for (Map<String, FloatTensor> s : samples) {
                current.add(exec.inputs(s));
            }
        } else {
            for (IntState s : states) {
                current.add(s.copy());
            }
            node = checkpoints[resume];
        }
        int end = base.graph().nodes().size();
        for (int c = resume + 1; c <= checkpoints.length; c++) {
            int stop = c < checkpoints.length ? checkpoints[c] : end;
            for (IntState s : current) {
                exec.run(s, node, stop);
            }
            node = stop;
            if (c < checkpoints.length) {
                remember(keys[c], current);
            }
        }
        double total = 0;
        for (int i = 0; i < current.size(); i++) {
            for (String o : base.graph().outputs()) {
                float[] got = compared(o, exec.dequantize(o, current.get(i).tensor(o)));
                float[] want = reference.get(i).get(o);
                for (int k = 0; k < got.length; k++) {
                    double d = got[k] - want[k];
                    total += d * d;
                }
            }
        }
        return total / current.size();
    }

    /** An output as the metric compares it: itself, or softmax over its last axis (each row sums to 1). */
    private float[] compared(String output, float[] values) {
        if (metric == ChannelSelection.Fitness.OUTPUTS) {
            return values;
        }
        int row = base.graph().shape(output).last();
        float[] p = new float[values.length];
        for (int start = 0; start < values.length; start += row) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = start; k < start + row; k++) {
                max = Math.max(max, values[k]);
            }
            double sum = 0;
            for (int k = start; k < start + row; k++) {
                sum += Math.exp(values[k] - max);
            }
            for (int k = start; k < start + row; k++) {
                p[k] = (float) (Math.exp(values[k] - max) / sum);
            }
        }
        return p;
    }

    private void remember(String key, List<IntState> states) {
        List<IntState> copy = new ArrayList<>(states.size());
        long bytes = 0;
        for (IntState s : states) {
            IntState c = s.copy();
            copy.add(c);
            bytes += c.bytes();
        }
        synchronized (cache) {
            if (cache.put(key, copy) == null) {
                cachedBytes += bytes;
            }
            var it = cache.entrySet().iterator();
            while (cachedBytes > CACHE_BYTES && it.hasNext()) {
                var e = it.next();
                for (IntState s : e.getValue()) {
                    cachedBytes -= s.bytes();
                }
                it.remove();
            }
        }
    }

    /** What the activations before checkpoint c depend on: the 4-bit channel sets (and shifts) of the sites read before it. */
    private String key(int c, Map<String, Site> sites) {
        StringBuilder sb = new StringBuilder().append(c);
        for (String t : sitesBefore.get(c)) {
            Site s = sites.get(t);
            int n = s.fourBitChannels()[0];
            int g = base.groupWidth();
            // a group's members matter, not its position among the 4-bit groups
            List<String> groups = new ArrayList<>();
            for (int k = 0; k < n / g; k++) {
                int[] members = Arrays.copyOfRange(s.order(), k * g, (k + 1) * g);
                Arrays.sort(members);
                // and its judged shift, which the shift search varies with the members fixed
                groups.add(Arrays.toString(members) + (s.judgedShift() == null ? "" : "@" + s.judgedShift()[members[0]]));
            }
            groups.sort(null);
            sb.append('|').append(t).append(':').append(groups);
        }
        return sb.toString();
    }

    long evaluations() {
        synchronized (cache) {
            return evaluations;
        }
    }

    long cacheHits() {
        synchronized (cache) {
            return hits;
        }
    }
}
