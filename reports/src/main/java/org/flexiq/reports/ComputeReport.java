package org.flexiq.reports;

import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;

/**
 * A run as SCALE-Sim v2's {@code COMPUTE_REPORT.csv}: its header and columns, one row per layer that runs
 * folds on the array (SCALE-Sim's layers are all matrix products; the register writes and vector-only layers
 * have no row), numbered from 0, numbers printed as its Python writer prints them. Total Cycles is the layer's cycles on this NPU; Stall Cycles the
 * part of them in which none of the layer's folds was on the array (waiting on DRAM, the vector unit or
 * dispatch), so Total - Stall is the count SCALE-Sim calls compute cycles.
 */
public final class ComputeReport {
    public static final String HEADER = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,";

    private ComputeReport() {
    }

    public static String csv(RunStats run) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        int id = 0;
        for (LayerStats l : run.layers()) {
            if (l.folds() > 0) {
                b.append(id++).append(", ").append(String.join(", ", columns(l, run.config()))).append(",\n");
            }
        }
        return b.toString();
    }

    /** A layer's Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %, as SCALE-Sim prints them. */
    public static String[] columns(LayerStats l, NpuConfig config) {
        double pes = (double) config.arrayRows() * config.arrayCols();
        double overall = l.cycles() == 0 ? 0 : (l.int8Macs() + l.int4Macs()) * 100.0 / (l.cycles() * pes);
        return new String[]{String.valueOf(l.cycles()), String.valueOf(Math.max(0, l.cycles() - l.arrayCycles())), python(overall),
                python(l.scalesimMappingEfficiency() * 100), python(l.scalesimComputeUtilization() * 100)};
    }

    /** Python's str(float) for the values a report holds (0 to 100): the shortest repr, ".0" on whole numbers. */
    static String python(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().scale() <= 0
                ? new java.math.BigDecimal(Double.toString(v)).setScale(1).toPlainString()
                : new java.math.BigDecimal(Double.toString(v)).toPlainString();
    }
}
