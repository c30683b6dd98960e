package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Flatten;
import org.flexiq.workloads.ir.Gelu;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Transpose;

import java.util.List;

/**
 * ViT with 16x16 patches and pre-LayerNorm blocks (timm's vit_*_patch16_224). With {@code distilled}, DeiT's
 * distillation token: two prepended tokens and two heads (class and distillation), whose logits a user
 * averages at inference.
 */
final class VisionTransformer implements Architecture {
    private final int patch;
    private final int channels;
    private final int mlpRatio;
    private final int classes;
    private final int dim;
    private final int depth;
    private final int heads;
    private final boolean distilled;

    VisionTransformer(int dim, int depth, int heads, boolean distilled) {
        this(3, 16, dim, depth, heads, 4, 1000, distilled);
    }

    VisionTransformer(int channels, int patch, int dim, int depth, int heads, int mlpRatio, int classes, boolean distilled) {
        this.channels = channels;
        this.patch = patch;
        this.mlpRatio = mlpRatio;
        this.classes = classes;
        this.dim = dim;
        this.depth = depth;
        this.heads = heads;
        this.distilled = distilled;
    }

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        if (o.imageSize() % patch != 0) {
            throw new IllegalArgumentException("image size " + o.imageSize() + " is not a multiple of the patch size " + patch);
        }
        String img = b.input("image", Shape.of(channels, o.imageSize(), o.imageSize()));
        String x = b.conv("patch_embed", img, Conv2d.square(dim, patch, patch, 0, 1, true));
        x = b.op("patch_tokens", new Transpose(List.of(1, 0)), b.op("patch_flatten", new Flatten(1), x));
        int patches = b.shape(x).dim(0);
        int extra = distilled ? 2 : 1;
        // Token and position embeddings as large as the patch embeddings, as in trained ViTs; at 0.02 (their
        // initialization) a class token would vanish under the token tensor's one int8 scale.
        String cls = b.constant("cls_token", Shape.of(1, dim), 1.0);
        x = distilled
                ? b.op("tokens", new Concat(0), cls, b.constant("dist_token", Shape.of(1, dim), 1.0), x)
                : b.op("tokens", new Concat(0), cls, x);
        x = b.op("pos_add", new Add(), x, b.constant("pos_embed", Shape.of(patches + extra, dim), 0.5));
        for (int i = 0; i < o.repeats(depth); i++) {
            String p = "blocks." + i;
            x = b.op(p + ".add1", new Add(), x, TransformerParts.selfAttention(b, p + ".attn", b.layerNorm(p + ".norm1", x, 1e-6), heads, false));
            x = b.op(p + ".add2", new Add(), x, TransformerParts.feedForward(b, p + ".mlp", b.layerNorm(p + ".norm2", x, 1e-6), mlpRatio * dim, new Gelu()));
        }
        x = b.layerNorm("norm", x, 1e-6);
        String head = b.linear("head", token(b, "cls_out", x, 0), classes, true, 1.0);
        if (!distilled) {
            return new String[]{head};
        }
        return new String[]{head, b.linear("head_dist", token(b, "dist_out", x, 1), classes, true, 1.0)};
    }

    private String token(GraphBuilder b, String name, String x, int index) {
        return b.op(name, new Reshape(List.of(dim)), b.op(name + "_slice", new Slice(0, index, index + 1), x));
    }
}
