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
            try {
                double v = Double.parseDouble(part.trim());
                if (!(v >= 0 && v <= 1)) {
                    throw new NumberFormatException();
                }
                r.add(v);
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": '" + part + "' is not a ratio in [0, 1]");
            }
        }
        return r;
    }

    /** Refuses a ratio the quantized model does not store; {@code label} (an option or the file) starts the message. */
    public static void requireStored(QuantizedModel q, String label, List<Double> ratios) {
        for (double r : ratios) {
            try {
                q.ratioIndex(r);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(label + ": " + e.getMessage());
            }
        }
    }
}
