package org.flexiq.workloads.zoo;

/**
 * Size knobs of a zoo model. Smaller images or sequences keep every layer kind and channel count but cut
 * the spatial or token work, and capping the repeats of a repeated block cuts the depth the same way: a
 * ViT-B of 2 blocks still has every layer of ViT-B at its widths. Tests run whole architectures quickly
 * so, and an architect gets one block's figures without simulating twelve identical ones.
 *
 * @param imageSize height and width of image inputs (vision models); a multiple of 16 for ViTs, of 32 for CNNs
 * @param seqLen    tokens per sequence (BERT, OPT)
 * @param blocks    at most this many repeats of each repeated block (the encoder blocks of a ViT or BERT, the blocks
 *                  of each ResNet stage, of each MobileNetV2 setting); 0 keeps the architecture's own counts
 */
public record ZooOptions(int imageSize, int seqLen, int blocks) {
    public static final ZooOptions DEFAULT = new ZooOptions(224, 128);

    public ZooOptions {
        if (imageSize < 1 || imageSize > 4096) {
            throw new IllegalArgumentException("image size must be in 1..4096, got " + imageSize);
        }
        if (seqLen < 1 || seqLen > 65536) {
            throw new IllegalArgumentException("sequence length must be in 1..65536, got " + seqLen);
        }
        if (blocks < 0 || blocks > 4096) {
            throw new IllegalArgumentException("blocks must be in 0..4096 (0: all of them), got " + blocks);
        }
    }

    /** Every block of the architecture. */
    public ZooOptions(int imageSize, int seqLen) {
        this(imageSize, seqLen, 0);
    }

    /** The same sizes with at most {@code blocks} repeats of each repeated block (0: all). */
    public ZooOptions withBlocks(int blocks) {
        return new ZooOptions(imageSize, seqLen, blocks);
    }

    /** How many of an architecture's {@code count} repeats of a block the model keeps. */
    int repeats(int count) {
        return blocks == 0 ? count : Math.min(count, blocks);
    }
}
