package org.flexiq.workbench;

import org.flexiq.compiler.quant.QuantizedModel;

import java.util.ArrayList;
import java.util.List;

/** Comma-separated ratio lists from the command line, and the check that a model stores them. */
public final class Ratios {
    private Ratios() {
    }

    public static List<Double> parse(String option, String text) {
        List<Double> r = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            double v;
            try {
                v = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            r.add(check(option, part, v));
        }
        return r;
    }

    /** {@code value} if it is a ratio in [0, 1]; else a one-line error naming the option and the text given. */
    public static double check(String option, String text, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new BadInputException(option + ": '" + text + "' is not a ratio in [0, 1]");
        }
        return value;
    }

    /** Refuses a ratio the quantized model does not store; {@code label} (an option or the file) starts the message. */
    public static void requireStored(QuantizedModel q, String label, List<Double> ratios) {
        for (double r : ratios) {
            try {
                q.ratioIndex(r);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(label + ": " + e.getMessage() + " (sim quantize --ratios stores others)");
            }
        }
    }
}
