package org.flexiq.compiler.quant;

import java.util.Map;

/**
 * What calibration measured.
 *
 * @param range      per tensor: the clipping range (max or percentile of |x|) its int8 scale is range / 127
 * @param channelMax per input tensor of a Conv2d or Linear: max |x| of each feature channel (channel axis 0
 *                   for convolution inputs, the last axis for linear inputs)
 * @param samples    how many samples were seen
 */
public record CalibrationStats(Map<String, Double> range, Map<String, float[]> channelMax, int samples) {
    public CalibrationStats {
        range = Map.copyOf(range);
        channelMax = Map.copyOf(channelMax);
    }
}
