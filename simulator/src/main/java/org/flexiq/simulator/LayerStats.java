package org.flexiq.simulator;

import java.util.EnumMap;
import java.util.Map;

/**
 * One layer of a run: the cycles from the previous layer's end to its own (layers overlap at their edges;
 * these windows tile the run), their breakdown by {@link Activity}, and the work it did.
 *
 * @param int8Macs useful multiply-accumulates in int8 mode (taps over padding excluded)
 * @param int4Macs useful multiply-accumulates in dual-int4 mode
 * @param arrayMacSlots R x C x cycles the array spent streaming its folds (int8 and int4)
 * @param arrayCycles   cycles in which one of the layer's folds was preloading, streaming or draining: with
 *                      SCALE-Sim's machine (no double-buffering, ideal memory) its compute cycles
 * @param scalesimMappingEfficiency  SCALE-Sim's mapping efficiency: the mean over folds of the PEs a fold's
 *                                   tile covers over R C (an int4 PE-lane counting half)
 * @param scalesimComputeUtilization SCALE-Sim's compute utilization: the mean over folds of used PEs x M over
 *                                   R C (2R + 2C + M - 3), the cycles its demand matrices give a fold
 * @param events    what the energy model charges besides the MACs (SRAM accesses, DRAM bytes, vector work)
 */
public record LayerStats(String name, long cycles, Map<Activity, Long> breakdown, long int8Macs, long int4Macs, long dmaBytes,
                         long arrayMacSlots, long folds, long arrayCycles, double scalesimMappingEfficiency,
                         double scalesimComputeUtilization, EventCounts events) {
    public LayerStats {
        breakdown = java.util.Collections.unmodifiableMap(new EnumMap<>(breakdown));
        java.util.Objects.requireNonNull(events, "events");
    }

    /**
     * Useful MACs over what the array could do in the layer's cycles, an int4 MAC counting half a PE-cycle
     * (two lanes): (int8 + int4 / 2) / (R C cycles).
     */
    public double peUtilization(int rows, int cols) {
        return cycles == 0 ? 0 : (int8Macs + int4Macs / 2.0) / ((double) rows * cols * cycles);
    }

    /** Useful MAC-slots over the array slots of the folds while they stream (folds weighted by their rows). */
    public double mappingEfficiency() {
        return arrayMacSlots == 0 ? 0 : (int8Macs + int4Macs / 2.0) / arrayMacSlots;
    }
}
