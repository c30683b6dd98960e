package org.flexiq.workloads.zoo;

/**
 * Size knobs of a zoo model. Smaller images or sequences keep every layer kind and channel count but cut
 * the spatial or token work, which is how tests run whole architectures quickly.
 *
 * @param imageSize height and width of image inputs (vision models); a multiple of 16 for ViTs, of 32 for CNNs
 * @param seqLen    tokens per sequence (BERT, OPT)
 */
public record ZooOptions(int imageSize, int seqLen) {
    public static final ZooOptions DEFAULT = new ZooOptions(224, 128);

    public ZooOptions {
        if (imageSize < 1 || imageSize > 4096) {
            throw new IllegalArgumentException("image size must be in 1..4096, got " + imageSize);
        }
        if (seqLen < 1 || seqLen > 65536) {
            throw new IllegalArgumentException("sequence length must be in 1..65536, got " + seqLen);
        }
    }
}
