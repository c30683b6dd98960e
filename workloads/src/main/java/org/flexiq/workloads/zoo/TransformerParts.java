package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.Transpose;

import java.util.List;

/** Multi-head self-attention and the feed-forward block, shared by ViT, DeiT, BERT and OPT. */
final class TransformerParts {
    private TransformerParts() {
    }

    /**
     * Self-attention over x [T, D]: q, k, v projections, per-head Q K^T (scaled in the softmax), A V, and the
     * output projection. Heads are split by Reshape [T, H, D/H] and Transpose, so the two attention matmuls
     * are batched over H.
     */
    static String selfAttention(GraphBuilder b, String p, String x, int heads, boolean causal) {
        int t = b.shape(x).dim(0);
        int d = b.shape(x).last();
        int dh = d / heads;
        List<Integer> split = List.of(t, heads, dh);
        String q = b.op(p + ".q_heads", new Transpose(List.of(1, 0, 2)),
                b.op(p + ".q_split", new Reshape(split), b.linear(p + ".q", x, d, true, 1.0)));
        String k = b.op(p + ".k_heads", new Transpose(List.of(1, 2, 0)),
                b.op(p + ".k_split", new Reshape(split), b.linear(p + ".k", x, d, true, 1.0)));
        String v = b.op(p + ".v_heads", new Transpose(List.of(1, 0, 2)),
                b.op(p + ".v_split", new Reshape(split), b.linear(p + ".v", x, d, true, 1.0)));
        String scores = b.op(p + ".qk", new MatMul(), q, k);
        String probs = b.op(p + ".softmax", new Softmax(1.0 / Math.sqrt(dh), causal), scores);
        String ctx = b.op(p + ".av", new MatMul(), probs, v);
        ctx = b.op(p + ".merge", new Reshape(List.of(t, d)), b.op(p + ".ctx_tokens", new Transpose(List.of(1, 0, 2)), ctx));
        return b.linear(p + ".proj", ctx, d, true, 1.0);
    }

    /** fc1 (D -> hidden), activation, fc2 (hidden -> D). */
    static String feedForward(GraphBuilder b, String p, String x, int hidden, Activation act) {
        int d = b.shape(x).last();
        String h = b.act(p + ".act", act, b.linear(p + ".fc1", x, hidden, true, Math.sqrt(2)));
        return b.linear(p + ".fc2", h, d, true, 1.0);
    }
}
