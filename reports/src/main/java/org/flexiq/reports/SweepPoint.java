package org.flexiq.reports;

import java.util.Locale;

/**
 * One point of a design-space sweep: a model on an NPU preset with an array, a group width and a 4-bit ratio.
 * An infeasible point (the layers do not fit, or the group width does not suit the array) has status
 * {@code infeasible}, the reason, and zeros.
 *
 * @param speedup      cycles at ratio 0 over cycles at this ratio, on the same array and group width
 * @param energyPj     energy per inference on dual-int4 PEs
 * @param areaMm2      the NPU's area with dual-int4 PEs
 * @param int8EnergyPj energy per inference of the same array built of plain int8 PEs, which runs every channel at 8
 *                     bits (ratio 0's timing)
 * @param int8AreaMm2  that array's area
 * @param minRatio     the program's ratio floor ({@code --min-ratio}): the weights 4-bit at every ratio it serves are stored as
 *                     packed 4-bit codes, and the speed-up is still over the full program's ratio-0 run; 0 for the program that
 *                     serves every ratio
 * @param batch        images per run of the program ({@code --batch}): cycles, latency, DRAM bytes and energy are the batch's
 */
public record SweepPoint(String model, String npu, int rows, int cols, int group, double ratio, String status, String reason, long cycles,
                         double latencyUs, double peUtilization, double speedup, long dramBytes, long int8Macs, long int4Macs,
                         double energyPj, double areaMm2, double int8EnergyPj, double int8AreaMm2, double minRatio, int batch) {
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

    /**
     * A timed run as a point; {@code base} is the same machine's run at ratio 0 (of the full program where {@code run}'s has
     * a floor), {@code int8} that run priced on plain int8 PEs.
     */
    public static SweepPoint of(String model, org.flexiq.simulator.RunStats run, org.flexiq.simulator.RunStats base,
                                org.flexiq.simulator.energy.EnergyReport energy, org.flexiq.simulator.energy.EnergyReport int8, double minRatio,
                                int batch) {
        var c = run.config();
        return new SweepPoint(model, c.name(), c.arrayRows(), c.arrayCols(), c.groupWidth(), Double.parseDouble(run.profile()), OK, "",
                run.cycles(), run.latencyMicroseconds(), run.peUtilization(), base.cycles() / (double) run.cycles(), run.dmaBytes(),
                run.int8Macs(), run.int4Macs(), energy.totalPj(), energy.areaMm2(), int8.totalPj(), int8.areaMm2(), minRatio, batch);
    }

    /** Energy x delay in uJ x ms. */
    public double energyDelay() {
        return energyPj / 1e6 * latencyUs / 1e3;
    }

    /** Performance per area over the plain-int8 array's: speedup x int8 area / area (above 1, the dual-int4 PE pays). */
    public double perfPerAreaGain() {
        return areaMm2 == 0 ? 0 : speedup * int8AreaMm2 / areaMm2;
    }

    /** The plain-int8 array's energy over this point's. */
    public double energyGain() {
        return energyPj == 0 ? 0 : int8EnergyPj / energyPj;
    }

    public static SweepPoint infeasible(String model, String npu, int rows, int cols, int group, double ratio, String reason, double minRatio,
                                        int batch) {
        return new SweepPoint(model, npu, rows, cols, group, ratio, INFEASIBLE, reason, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, minRatio, batch);
    }
}
