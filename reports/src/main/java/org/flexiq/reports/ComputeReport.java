package org.flexiq.reports;

import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.workloads.scalesim.ScaleSimAccess;

import java.util.List;

/**
 * A run as SCALE-Sim v2's {@code COMPUTE_REPORT.csv}: its header and columns with its meanings, one row per layer
 * that runs folds on the array (SCALE-Sim's layers are all matrix products; the register writes and vector-only
 * layers have no row), numbered from 0, numbers printed as its Python writer prints them; then our own columns.
 *
 * <p>SCALE-Sim's Total Cycles is the cycle index of the layer's last output write (`double_buffered_scratchpad_mem`:
 * {@code ofmap_serviced_cycles[-1]}), counted from 0: the folds' demand lines less one, plus memory stalls. So here
 * Total Cycles = array cycles - 1 + Stall Cycles, Stall Cycles = the layer's DMA-stall cycles on a machine with real
 * memory and 0 with ideal memory (SCALE-Sim's CALC mode), and Overall Util % = MACs x 100 / (Total Cycles x R C) with
 * an int4 MAC counting half (a dual-int4 PE does two per cycle), so it never exceeds 100. What our NPU adds around
 * the folds (requantization, vector work, hazards, dispatch) is in our columns: NPU Cycles (the layer's window) and
 * NPU Other Cycles (those of them with none of the layer's folds on the array).
 */
public final class ComputeReport {
    public static final String HEADER = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,";
    /** SCALE-Sim's header, then ours. */
    public static final String HEADER_WITH_NPU = HEADER + " NPU Cycles, NPU Other Cycles,";
    /** SCALE-Sim v3's header (a leading column, from its memory accounting), then ours. */
    public static final String V3_HEADER_WITH_NPU = "LayerID, Total Cycles (incl. prefetch), Total Cycles, Stall Cycles, Overall Util %, "
            + "Mapping Efficiency %, Compute Util %, NPU Cycles, NPU Other Cycles,";

    private ComputeReport() {
    }

    public static String csv(RunStats run) {
        return csv(run, null);
    }

    /**
     * In SCALE-Sim v3's form when {@code v3Memory} is given (its accounting of the same layers, in order): Total Cycles
     * (incl. prefetch) first, from the first DRAM read to the last ofmap DRAM write.
     */
    public static String csv(RunStats run, List<ScaleSimAccess> v3Memory) {
        StringBuilder b = new StringBuilder(v3Memory == null ? HEADER_WITH_NPU : V3_HEADER_WITH_NPU).append('\n');
        int id = 0;
        int r = run.config().arrayRows();
        int c = run.config().arrayCols();
        for (LayerStats l : run.layers()) {
            if (l.folds() > 0) {
                long stall = run.config().idealMemory() ? 0 : l.breakdown().getOrDefault(org.flexiq.simulator.Activity.DMA_STALL, 0L);
                long total = Math.max(0, l.arrayCycles() - 1) + stall;
                double overall = total == 0 ? 0 : (l.int8Macs() + l.int4Macs() / 2.0) * 100.0 / (total * (double) r * c);
                b.append(id).append(", ");
                if (v3Memory != null) {
                    b.append(v3Memory.get(id).cyclesWithPrefetch()).append(", ");
                }
                id++;
                b.append(total).append(", ").append(stall).append(", ").append(python(overall)).append(", ")
                        .append(python(l.scalesimMappingEfficiency() * 100)).append(", ").append(python(l.scalesimComputeUtilization() * 100))
                        .append(", ").append(l.cycles()).append(", ").append(Math.max(0, l.cycles() - l.arrayCycles())).append(",\n");
            }
        }
        return b.toString();
    }

    /**
     * A layer in COMPUTE_REPORT's shape with our NPU's cycles (layers.csv): Total Cycles the layer's window, Stall
     * Cycles those with none of its folds on the array, Overall Util % over the window (an int4 MAC counting half).
     */
    public static String[] npuColumns(LayerStats l, NpuConfig config) {
        double pes = (double) config.arrayRows() * config.arrayCols();
        double overall = l.cycles() == 0 ? 0 : (l.int8Macs() + l.int4Macs() / 2.0) * 100.0 / (l.cycles() * pes);
        return new String[]{String.valueOf(l.cycles()), String.valueOf(Math.max(0, l.cycles() - l.arrayCycles())), python(overall),
                python(l.scalesimMappingEfficiency() * 100), python(l.scalesimComputeUtilization() * 100)};
    }

    /**
     * Python's str(float): the shortest digits that read back as the value, ".0" on whole numbers, and the exponent form
     * ("3e-05", "1.5e+16") below 1e-4 and from 1e16 on.
     */
    static String python(double v) {
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e16) {
            return d.scale() <= 0 ? d.setScale(1).toPlainString() : d.toPlainString();
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = d.precision() - d.scale() - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(java.util.Locale.ROOT, "%02d", Math.abs(exponent));
    }
}
