package org.flexiq.compiler.quant;

/**
 * @param groupWidth    channels per 4-bit group (G): 64 on FlexiQ's NPU, 32 on GPUs; must divide the input
 *                      channels of every layer that may run in 4 bits
 * @param calibration   how activation ranges are chosen
 * @param unsignedCodes unsigned 4-bit activation codes at the sites that are never negative ({@link NonNegativeCodes}):
 *                      4 magnitude bits there instead of 3
 */
public record QuantizerOptions(int groupWidth, CalibrationMethod calibration, boolean unsignedCodes) {
    public QuantizerOptions {
        if (groupWidth < 1 || groupWidth > 4096) {
            throw new IllegalArgumentException("group width must be in 1..4096, got " + groupWidth);
        }
    }

    /** Signed codes everywhere. */
    public QuantizerOptions(int groupWidth, CalibrationMethod calibration) {
        this(groupWidth, calibration, false);
    }
}
