package org.flexiq.compiler.quant;

import java.util.Locale;

/** How 8-bit codes are lowered to 4 bits (FLEXIQ.md, "Effective bit extraction"). */
public enum Extraction {
    /**
     * One shift per group from calibration, chosen to minimize the expected squared error over the calibrated
     * codes (rounding and saturation); weights likewise per (output channel, group). See {@link BitExtractor}.
     */
    STATIC,
    /** One shift per group from the highest used bit of its calibrated max (never saturates on calibration data). */
    STATIC_MAX,
    /** From each group's highest used bit at run time: OR-reduce |x| over the group, per row. */
    DYNAMIC,
    /** The top 4 bits of the 8-bit code, whatever the range: the baseline FlexiQ improves on. */
    NAIVE;

    public static Extraction parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "static", "effective", "effective-static", "static-mse" -> STATIC;
            case "static-max", "effective-max" -> STATIC_MAX;
            case "dynamic", "effective-dynamic" -> DYNAMIC;
            case "naive" -> NAIVE;
            default -> throw new IllegalArgumentException("extraction '" + s + "': expected static (= effective), static-max, dynamic or naive");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
