package org.flexiq.workbench.serve;

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

    /** One line: what is timed, by what, and what a switch is. */
    String describe();
}
