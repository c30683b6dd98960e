package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FixedPoint;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stores a selected model in FlexiQ's layout: each site's channels physically in selection order, so every
 * ratio's 4-bit channels are a prefix and switching ratio is one count per layer. The order goes into the
 * consumers' weight columns, and into the producer's weight rows where {@link Site#producer()} allows
 * (then the producer writes the tensor already reordered); elsewhere the site gets a run-time gather
 * (a reorder step, as at residual joins). Results do not change: {@code GoldenExecutor} gives the same
 * bits before and after, at every ratio.
 */
public final class FlexiqLayout {
    private FlexiqLayout() {
    }

    public static QuantizedModel apply(QuantizedModel m) {
        Map<String, NodeQuant> nodes = new HashMap<>(m.nodes());
        Map<String, Site> sites = new LinkedHashMap<>();
        for (Site s : m.sites().values()) {
            int[] perm = s.order();
            for (String consumer : s.consumers()) {
                nodes.put(consumer, permuteColumns((NodeQuant.Gemm) nodes.get(consumer), perm));
            }
            int[] gather = null;
            if (s.producer() != null) {
                nodes.put(s.producer(), permuteRows((NodeQuant.Gemm) nodes.get(s.producer()), perm));
            } else {
                // an earlier layout's gather stays, composed with this order (a re-selection lays out a laid-out model)
                gather = compose(s.gather(), perm);
                gather = isIdentity(gather) ? null : gather;
            }
            sites.put(s.tensor(), new Site(s.tensor(), s.axis(), s.channels(), s.consumers(), permuted(s.channelMax(), perm),
                    Site.identity(s.channels()), s.fourBitChannels(), gather, s.producer(),
                    s.profile() == null ? null : s.profile().permuted(perm), s.codes(), permuted(s.judgedShift(), perm)));
        }
        return new QuantizedModel(m.graph(), m.scales(), nodes, sites, m.groupWidth(), m.ratios(), m.metadata());
    }

    /** Entry i of the result is entry perm[i] of {@code perChannel}; null stays null. */
    private static int[] permuted(int[] perChannel, int[] perm) {
        if (perChannel == null) {
            return null;
        }
        int[] p = new int[perm.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = perChannel[perm[i]];
        }
        return p;
    }

    /** Stored channel i reads what channel perm[i] read before (through an earlier gather, if any). */
    private static int[] compose(int[] earlier, int[] perm) {
        int[] g = new int[perm.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = earlier == null ? perm[i] : earlier[perm[i]];
        }
        return g;
    }

    private static boolean isIdentity(int[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static NodeQuant.Gemm permuteColumns(NodeQuant.Gemm q, int[] perm) {
        byte[] w = new byte[q.weight().length];
        int per = q.inChannels() * q.taps();
        for (int o = 0; o < q.outChannels(); o++) {
            for (int i = 0; i < q.inChannels(); i++) {
                System.arraycopy(q.weight(), o * per + perm[i] * q.taps(), w, o * per + i * q.taps(), q.taps());
            }
        }
        return new NodeQuant.Gemm(w, q.bias(), q.requant(), q.outChannels(), q.inChannels(), q.taps());
    }

    private static NodeQuant.Gemm permuteRows(NodeQuant.Gemm q, int[] perm) {
        byte[] w = new byte[q.weight().length];
        int[] bias = new int[q.outChannels()];
        FixedPoint[] requant = new FixedPoint[q.outChannels()];
        int per = q.inChannels() * q.taps();
        for (int o = 0; o < q.outChannels(); o++) {
            System.arraycopy(q.weight(), perm[o] * per, w, o * per, per);
            bias[o] = q.bias()[perm[o]];
            requant[o] = q.requant()[perm[o]];
        }
        return new NodeQuant.Gemm(w, bias, requant, q.outChannels(), q.inChannels(), q.taps());
    }
}
