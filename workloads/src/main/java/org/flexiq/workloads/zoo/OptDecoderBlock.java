package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;

/**
 * One decoder block of OPT-350m: d_model 1024, 16 heads, FFN 4096 with ReLU, causal self-attention, and
 * LayerNorm after each residual join (OPT-350m is the OPT size with do_layer_norm_before = false). The input
 * is the hidden state [T, 1024].
 */
final class OptDecoderBlock implements Architecture {
    private static final int DIM = 1024;

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        String x = b.input("hidden", Shape.of(o.seqLen(), DIM));
        x = b.layerNorm("self_attn_layer_norm", b.op("add1", new Add(), x, TransformerParts.selfAttention(b, "self_attn", x, 16, true)), 1e-5);
        x = b.layerNorm("final_layer_norm", b.op("add2", new Add(), x, TransformerParts.feedForward(b, "ffn", x, 4 * DIM, new Relu())), 1e-5);
        return new String[]{x};
    }
}
