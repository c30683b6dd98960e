package org.flexiq.compiler.quant;

import java.util.Locale;

/** How 8-bit codes are lowered to 4 bits (FLEXIQ.md, "Effective bit extraction"). */
public enum Extraction {
    /** From each group's highest used bit, as calibrated: one shift per group. */
    STATIC,
    /** From each group's highest used bit at run time: OR-reduce |x| over the group, per row. */
    DYNAMIC,
    /** The top 4 bits of the 8-bit code, whatever the range: the baseline FlexiQ improves on. */
    NAIVE;

    public static Extraction parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "static", "effective", "effective-static" -> STATIC;
            case "dynamic", "effective-dynamic" -> DYNAMIC;
            case "naive" -> NAIVE;
            default -> throw new IllegalArgumentException("extraction '" + s + "': expected static (= effective), dynamic or naive");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
