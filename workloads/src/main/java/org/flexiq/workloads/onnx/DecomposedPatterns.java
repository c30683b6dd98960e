package org.flexiq.workloads.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the decomposed forms exporters write for LayerNorm, GELU, SiLU and scaled Softmax (see
 * {@link PatternMatch}). A match needs every intermediate value to have only in-pattern consumers and not to
 * be a graph output, and its constants to be the right ones (2 for the Pow, sqrt 2 for GELU's divisor...).
 */
final class DecomposedPatterns {
    private static final double SQRT2 = Math.sqrt(2);
    private static final double TOL = 1e-4;

    private final OnnxGraphIndex g;

    private DecomposedPatterns(OnnxGraphIndex g) {
        this.g = g;
    }

    /** Non-overlapping matches, in graph order. */
    static List<PatternMatch> find(OnnxGraphIndex g) {
        DecomposedPatterns p = new DecomposedPatterns(g);
        List<PatternMatch> out = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (OnnxNode n : g.nodes) {
            PatternMatch m = switch (n.op()) {
                case "ReduceMean" -> p.layerNorm(n);
                case "Div", "Mul" -> {
                    PatternMatch gelu = p.gelu(n);
                    yield gelu != null ? gelu : p.scaledSoftmax(n);
                }
                case "Sigmoid" -> p.silu(n);
                default -> null;
            };
            if (m != null && m.covered().stream().noneMatch(taken::contains)) {
                taken.addAll(m.covered());
                out.add(m);
            }
        }
        return out;
    }

    private boolean is(OnnxNode n, String op) {
        return n != null && n.op().equals(op);
    }

    /** The input of binary node {@code n} other than {@code value}, or null when neither or both are it. */
    private static String other(OnnxNode n, String value) {
        if (n.inputs().size() != 2) {
            return null;
        }
        if (n.input(0).equals(value) && !n.input(1).equals(value)) {
            return n.input(1);
        }
        if (n.input(1).equals(value) && !n.input(0).equals(value)) {
            return n.input(0);
        }
        return null;
    }

    private boolean lastAxisMean(OnnxNode n) {
        long[] axes = n.has("axes") ? n.ints("axes") : (n.input(1).isEmpty() ? null : knownLongs(n.input(1)));
        return axes != null && axes.length == 1 && axes[0] == -1 && n.i("keepdims", 1) == 1;
    }

    private long[] knownLongs(String v) {
        ConstTensor t = g.known.get(v);
        return t == null ? null : t.asLongs();
    }

    /** x - mean(x) over the last axis, normalized by sqrt(mean(d^2) + eps), then optional * gamma + beta. */
    private PatternMatch layerNorm(OnnxNode r1) {
        if (!lastAxisMean(r1)) {
            return null;
        }
        String x = r1.input(0);
        OnnxNode sub = g.soleConsumer(r1.output(0));
        if (!is(sub, "Sub") || !sub.input(0).equals(x) || !sub.input(1).equals(r1.output(0))) {
            return null;
        }
        List<OnnxNode> uses = g.consumers(sub.output(0));
        if (uses.size() != 2 || g.graphOutputs.contains(sub.output(0))) {
            return null;
        }
        OnnxNode pow = uses.stream().filter(u -> is(u, "Pow")).findFirst().orElse(null);
        OnnxNode div = uses.stream().filter(u -> is(u, "Div")).findFirst().orElse(null);
        if (pow == null || div == null || !pow.input(0).equals(sub.output(0)) || Math.abs(g.scalar(pow.input(1)) - 2) > TOL
                || !div.input(0).equals(sub.output(0))) {
            return null;
        }
        OnnxNode r2 = g.soleConsumer(pow.output(0));
        if (!is(r2, "ReduceMean") || !lastAxisMean(r2)) {
            return null;
        }
        OnnxNode add = g.soleConsumer(r2.output(0));
        String epsValue = add == null ? null : other(add, r2.output(0));
        if (!is(add, "Add") || epsValue == null || !(g.scalar(epsValue) >= 0)) {
            return null;
        }
        OnnxNode sqrt = g.soleConsumer(add.output(0));
        if (!is(sqrt, "Sqrt") || g.soleConsumer(sqrt.output(0)) != div || !div.input(1).equals(sqrt.output(0))) {
            return null;
        }
        Set<Integer> covered = new HashSet<>(List.of(r1.index, sub.index, pow.index, r2.index, add.index, sqrt.index, div.index));
        String out = div.output(0);
        String gamma = null;
        String beta = null;
        OnnxNode mul = g.soleConsumer(out);
        String gv = mul == null ? null : other(mul, out);
        if (is(mul, "Mul") && gv != null && g.isKnown(gv) && g.known.get(gv).rank() == 1) {
            gamma = gv;
            covered.add(mul.index);
            out = mul.output(0);
            OnnxNode badd = g.soleConsumer(out);
            String bv = badd == null ? null : other(badd, out);
            if (is(badd, "Add") && bv != null && g.isKnown(bv) && g.known.get(bv).rank() == 1) {
                beta = bv;
                covered.add(badd.index);
                out = badd.output(0);
            }
        }
        return new PatternMatch.LayerNormMatch(covered, x, out, g.scalar(epsValue), gamma, beta);
    }

    /** x * 0.5 * (1 + erf(x / sqrt 2)), in the two association orders exporters use. */
    private PatternMatch gelu(OnnxNode d) {
        if (d.inputs().size() != 2 || g.isKnown(d.input(0))) {
            return null;
        }
        String x = d.input(0);
        double c = g.scalar(d.input(1));
        boolean scaled = d.op().equals("Div") ? Math.abs(c - SQRT2) < TOL : Math.abs(c - 1 / SQRT2) < TOL;
        OnnxNode erf = g.soleConsumer(d.output(0));
        if (!scaled || !is(erf, "Erf")) {
            return null;
        }
        OnnxNode plus = g.soleConsumer(erf.output(0));
        String one = plus == null ? null : other(plus, erf.output(0));
        if (!is(plus, "Add") || one == null || Math.abs(g.scalar(one) - 1) > TOL) {
            return null;
        }
        OnnxNode m = g.soleConsumer(plus.output(0));
        String y = m == null ? null : other(m, plus.output(0));
        if (!is(m, "Mul") || y == null) {
            return null;
        }
        Set<Integer> covered = new HashSet<>(List.of(d.index, erf.index, plus.index, m.index));
        if (y.equals(x)) { // (x * (1 + erf)) * 0.5
            OnnxNode half = g.soleConsumer(m.output(0));
            String h = half == null ? null : other(half, m.output(0));
            if (!is(half, "Mul") || h == null || Math.abs(g.scalar(h) - 0.5) > TOL) {
                return null;
            }
            covered.add(half.index);
            return new PatternMatch.GeluMatch(covered, x, half.output(0));
        }
        OnnxNode half = g.producer(y); // (x * 0.5) * (1 + erf)
        String h = half == null ? null : other(half, x);
        if (!is(half, "Mul") || h == null || Math.abs(g.scalar(h) - 0.5) > TOL || g.soleConsumer(y) != m) {
            return null;
        }
        covered.add(half.index);
        return new PatternMatch.GeluMatch(covered, x, m.output(0));
    }

    /** x * sigmoid(x). */
    private PatternMatch silu(OnnxNode s) {
        String x = s.input(0);
        OnnxNode m = g.soleConsumer(s.output(0));
        if (!is(m, "Mul") || !x.equals(other(m, s.output(0)))) {
            return null;
        }
        return new PatternMatch.SiluMatch(new HashSet<>(List.of(s.index, m.index)), x, m.output(0));
    }

    /** softmax(x * c) or softmax(x / c) with a known positive scalar c (attention's 1 / sqrt(d)). */
    private PatternMatch scaledSoftmax(OnnxNode n) {
        if (n.inputs().size() != 2) {
            return null;
        }
        String x = g.isKnown(n.input(0)) ? n.input(1) : n.input(0);
        String cv = x.equals(n.input(0)) ? n.input(1) : n.input(0);
        if (g.isKnown(x) || (n.op().equals("Div") && !cv.equals(n.input(1)))) {
            return null;
        }
        double c = g.scalar(cv);
        double scale = n.op().equals("Div") ? 1 / c : c;
        OnnxNode sm = g.soleConsumer(n.output(0));
        if (!is(sm, "Softmax") || !(scale > 0) || Double.isInfinite(scale)) {
            return null;
        }
        return new PatternMatch.ScaledSoftmaxMatch(new HashSet<>(List.of(n.index, sm.index)), x, sm.output(0), scale, sm.index);
    }
}
