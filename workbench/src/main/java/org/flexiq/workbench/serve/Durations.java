package org.flexiq.workbench.serve;

import org.flexiq.workbench.BadInputException;

import java.util.Locale;

/** Durations as serving's options take and print them: a number and a unit (s, ms, us). */
public final class Durations {
    private Durations() {
    }

    /** A duration with its unit, as short as it stays exact: 2ms, 500us, 1.5s. */
    public static String text(double s) {
        if (s >= 1) {
            return trim(s) + "s";
        }
        if (s >= 1e-3) {
            return trim(s * 1e3) + "ms";
        }
        return trim(s * 1e6) + "us";
    }

    private static String trim(double v) {
        String t = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** A positive duration: NUMBER followed by s, ms or us. */
    public static double parse(String option, String text) {
        String t = text.strip();
        double scale;
        String number;
        if (t.endsWith("ms")) {
            scale = 1e-3;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            scale = 1e-6;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            scale = 1;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new BadInputException(option + ": '" + text + "' needs a unit: s, ms or us (e.g. 2ms)");
        }
        try {
            double v = Double.parseDouble(number) * scale;
            if (Double.isFinite(v) && v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(option + ": '" + text + "' is not a positive duration (e.g. 2ms)");
    }
}
