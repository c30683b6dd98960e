package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.Gelu;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Tanh;

/**
 * BERT-base (uncased): word, position and token-type embeddings, 12 post-LayerNorm encoder blocks, and the
 * pooler (tanh of a dense layer on the [CLS] token). Outputs: the sequence output and the pooled output.
 * Every token has type 0, as for a single-segment input.
 */
final class Bert implements Architecture {
    private static final int VOCAB = 30522;
    private static final int MAX_POSITIONS = 512;
    private static final int DIM = 768;
    private static final int DEPTH = 12;
    private static final int HEADS = 12;

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        if (o.seqLen() > MAX_POSITIONS) {
            throw new IllegalArgumentException("BERT takes at most " + MAX_POSITIONS + " tokens, got " + o.seqLen());
        }
        String ids = b.input("tokens", Shape.of(o.seqLen()));
        String x = b.node("embeddings.word", new Embedding(VOCAB, DIM),
                java.util.Map.of("weight", new WeightInit.Normal(0, 0.02)), ids);
        String pos = b.op("embeddings.position_slice", new Slice(0, 0, o.seqLen()),
                b.constant("embeddings.position", Shape.of(MAX_POSITIONS, DIM), 0.02));
        String type = b.op("embeddings.type_slice", new Slice(0, 0, 1),
                b.constant("embeddings.token_type", Shape.of(2, DIM), 0.02));
        x = b.op("embeddings.add_type", new Add(), b.op("embeddings.add_position", new Add(), x, pos), type);
        x = b.layerNorm("embeddings.norm", x, 1e-12);
        for (int i = 0; i < o.repeats(DEPTH); i++) {
            String p = "encoder." + i;
            x = b.layerNorm(p + ".attn_norm", b.op(p + ".add1", new Add(), x, TransformerParts.selfAttention(b, p + ".attn", x, HEADS, false)), 1e-12);
            x = b.layerNorm(p + ".ffn_norm", b.op(p + ".add2", new Add(), x, TransformerParts.feedForward(b, p + ".ffn", x, 4 * DIM, new Gelu())), 1e-12);
        }
        String cls = b.op("pooler.cls", new Slice(0, 0, 1), x);
        String pooled = b.act("pooler.tanh", new Tanh(), b.linear("pooler.dense", cls, DIM, true, 1.0));
        return new String[]{x, pooled};
    }
}
