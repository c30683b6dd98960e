package org.flexiq.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line for long work: done / total, rate and time left, redrawn in place at most five times a
 * second. Shown only on an interactive terminal, never in CI (the CI variable set) or when output is piped.
 */
final class Progress {
    private final PrintWriter err;
    private final String what;
    private final int total;
    private final boolean shown;
    private final long started = System.nanoTime();
    private long lastDrawn;
    private int done;
    private int members;

    Progress(PrintWriter err, String what, int total) {
        this(err, what, total, System.console() != null && System.getenv("CI") == null);
    }

    Progress(PrintWriter err, String what, int total, boolean shown) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.shown = shown;
    }

    synchronized void advance(int n) {
        advance(n, 0);
    }

    /** @param members the cluster's size now (0: not on a cluster) */
    synchronized void advance(int n, int members) {
        done += n;
        this.members = members;
        long now = System.nanoTime();
        if (shown && (now - lastDrawn > 200_000_000L || done == total)) {
            lastDrawn = now;
            err.print("\r" + line(done, total, (now - started) / 1e9, members));
            err.flush();
        }
    }

    synchronized void finish() {
        if (shown) {
            err.println();
            err.flush();
        }
    }

    /** "sweep: 37/250 points, 3 members, 4.1 points/s, 52 s left". */
    String line(int done, int total, double seconds, int members) {
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 ? String.format(Locale.ROOT, "%.0f s left", (total - done) / rate) : "";
        String m = members > 0 ? String.format(Locale.ROOT, "%d member%s, ", members, members == 1 ? "" : "s") : "";
        return String.format(Locale.ROOT, "%s: %d/%d points, %s%.1f points/s, %s   ", what, done, total, m, rate, left);
    }
}
