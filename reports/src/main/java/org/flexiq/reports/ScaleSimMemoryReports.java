package org.flexiq.reports;

import org.flexiq.workloads.scalesim.ScaleSimAccess;

import java.util.List;

/**
 * SCALE-Sim v2's {@code BANDWIDTH_REPORT.csv} and {@code DETAILED_ACCESS_REPORT.csv} of a topology: its headers, one
 * row per layer numbered from 0, numbers printed as its Python writer prints them (cycles came from numpy float arrays,
 * so they print as floats; counts as integers). The figures are {@link org.flexiq.workloads.scalesim.ScaleSimMemory}'s.
 */
public final class ScaleSimMemoryReports {
    public static final String BANDWIDTH_HEADER = "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, "
            + "Avg FILTER DRAM BW, Avg OFMAP DRAM BW,";
    public static final String DETAILED_HEADER = "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
            + "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, "
            + "SRAM OFMAP Writes, DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, "
            + "DRAM Filter Stop Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,";

    private ScaleSimMemoryReports() {
    }

    /** SRAM bandwidths: accesses over the layer's Total Cycles; DRAM: accesses over their first-to-last span. */
    public static String bandwidthCsv(List<ScaleSimAccess> layers) {
        StringBuilder b = new StringBuilder(BANDWIDTH_HEADER).append('\n');
        for (int i = 0; i < layers.size(); i++) {
            ScaleSimAccess a = layers.get(i);
            b.append(i);
            for (double v : new double[]{a.sramBandwidth(a.ifmapSram()), a.sramBandwidth(a.filterSram()), a.sramBandwidth(a.ofmapSram()),
                    a.ifmapDram().bandwidthOverSpan(), a.filterDram().bandwidthOverSpan(), a.ofmapDram().bandwidthOverSpan()}) {
                b.append(", ").append(ComputeReport.python(v));
            }
            b.append(",\n");
        }
        return b.toString();
    }

    public static String detailedAccessCsv(List<ScaleSimAccess> layers) {
        StringBuilder b = new StringBuilder(DETAILED_HEADER).append('\n');
        for (int i = 0; i < layers.size(); i++) {
            ScaleSimAccess a = layers.get(i);
            b.append(i);
            for (ScaleSimAccess.Operand o : new ScaleSimAccess.Operand[]{a.ifmapSram(), a.filterSram(), a.ofmapSram(), a.ifmapDram(),
                    a.filterDram(), a.ofmapDram()}) {
                b.append(", ").append(ComputeReport.python(o.start())).append(", ").append(ComputeReport.python(o.stop())).append(", ")
                        .append(o.count());
            }
            b.append(",\n");
        }
        return b.toString();
    }
}
