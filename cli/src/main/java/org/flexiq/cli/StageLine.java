package org.flexiq.cli;

import org.flexiq.compiler.select.SearchProgress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a long flow runs now ("accuracy: greedy, dynamic, ratio 0.5"), and the evolutionary search's generations,
 * redrawn in place on one line. Shown only on an interactive terminal, never in CI (the CI variable set) or when
 * output is piped.
 */
final class StageLine implements Consumer<String>, SearchProgress {
    private final PrintWriter err;
    private final String command;
    private final boolean on;

    private StageLine(PrintWriter err, String command, boolean on) {
        this.err = err;
        this.command = command;
        this.on = on;
    }

    static StageLine forTerminal(PrintWriter err, String command) {
        return new StageLine(err, command, System.console() != null && System.getenv("CI") == null);
    }

    @Override
    public void accept(String stage) {
        if (on) {
            err.print("\r" + String.format(Locale.ROOT, "%-78s", command + ": " + stage));
            err.flush();
        }
    }

    @Override
    public void generation(double ratio, int generation, int generations, double bestFitness) {
        accept(String.format(Locale.ROOT, "search: ratio %.2f, generation %d/%d, best fitness %.6g", ratio, generation, generations, bestFitness));
    }

    /** Clears the line, so that the results start on a clean one. */
    void done() {
        if (on) {
            err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
        }
    }
}
