package org.flexiq.workbench.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * How long a server takes: a batch at a 4-bit ratio, and a ratio switch. Implementations compute each (ratio, batch) once
 * and cache it, since a run asks for the same few many times.
 */
public interface ServiceModel {
    /** The ratios a policy may choose, ascending (0 first). */
    List<Double> ratios();

    /** Seconds to serve a batch of {@code batch} requests at {@code ratio}. */
    double seconds(double ratio, int batch);

    /** Seconds a server spends switching ratio before its next batch. */
    double switchSeconds();

    /**
     * The ratios worth choosing for batches of {@code batch}, ascending: 0 and each ratio that serves faster than every lower
     * one. A ratio no faster than a lower one is as slow or slower and less accurate (4-bit groups narrower than the array's
     * fold make 4 bits slower, not faster), so the adaptive policies step through these only.
     */
    default List<Double> worthChoosing(int batch) {
        List<Double> out = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (double r : ratios()) {
            double s = seconds(r, batch);
            if (out.isEmpty() || s < best) {
                out.add(r);
                best = Math.min(best, s);
            }
        }
        return out;
    }

    /** One line: what is timed, by what, and what a switch is. */
    String describe();
}
