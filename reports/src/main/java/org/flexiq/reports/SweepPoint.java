package org.flexiq.reports;

import java.util.Locale;

/**
 * One point of a design-space sweep: a model on an NPU preset with an array, a group width and a 4-bit ratio.
 * An infeasible point (the layers do not fit, or the group width does not suit the array) has status
 * {@code infeasible}, the reason, and zeros.
 *
 * @param speedup cycles at ratio 0 over cycles at this ratio, on the same array and group width
 */
public record SweepPoint(String model, String npu, int rows, int cols, int group, double ratio, String status, String reason, long cycles,
                         double latencyUs, double peUtilization, double speedup, long dramBytes, long int8Macs, long int4Macs) {
    public static final String OK = "ok";
    public static final String INFEASIBLE = "infeasible";

    public boolean feasible() {
        return OK.equals(status);
    }

    public String array() {
        return rows + "x" + cols;
    }

    /** A file name that names the point: {@code 32x32-g64-r0.5}. */
    public static String key(int rows, int cols, int group, double ratio) {
        return rows + "x" + cols + "-g" + group + "-r" + ratioText(ratio);
    }

    /** A ratio as given (0.5, 1, 0.25), without a trailing ".0". */
    public static String ratioText(double ratio) {
        String s = String.format(Locale.ROOT, "%.6f", ratio).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A timed run as a point; {@code base} is the same machine's run at ratio 0. */
    public static SweepPoint of(String model, org.flexiq.simulator.RunStats run, org.flexiq.simulator.RunStats base) {
        var c = run.config();
        return new SweepPoint(model, c.name(), c.arrayRows(), c.arrayCols(), c.groupWidth(), Double.parseDouble(run.profile()), OK, "",
                run.cycles(), run.latencyMicroseconds(), run.peUtilization(), base.cycles() / (double) run.cycles(), run.dmaBytes(),
                run.int8Macs(), run.int4Macs());
    }

    public static SweepPoint infeasible(String model, String npu, int rows, int cols, int group, double ratio, String reason) {
        return new SweepPoint(model, npu, rows, cols, group, ratio, INFEASIBLE, reason, 0, 0, 0, 0, 0, 0, 0);
    }
}
