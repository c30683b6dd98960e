package org.flexiq.reports;

import org.flexiq.simulator.Activity;
import org.flexiq.simulator.Event;
import org.flexiq.simulator.energy.EnergyComponent;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.RunStats;

import java.util.List;
import java.util.Locale;

/**
 * Runs as CSV, one row per layer and ratio: COMPUTE_REPORT's columns first, with our NPU's cycles (LayerID numbers
 * every layer of the run here, the register-write window included; {@link ComputeReport#csv} is SCALE-Sim's exact
 * file), then ours (reports/README.md defines each).
 */
public final class LayerCsv {
    public static final String HEADER = "LayerID,Total Cycles,Stall Cycles,Overall Util %,Mapping Efficiency %,Compute Util %,"
            + "ratio,layer,array_cycles,pe_utilization,mapping_efficiency,int8_macs,int4_macs,folds,dram_bytes";

    private LayerCsv() {
    }

    public static String csv(List<RunStats> runs) {
        return csv(runs, List.of());
    }

    /**
     * With {@code energies} (one per run, or empty): each layer's energy in pJ, in all and per component, and its
     * event counts.
     */
    public static String csv(List<RunStats> runs, List<EnergyReport> energies) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Activity a : Activity.values()) {
            sb.append(',').append(a.name().toLowerCase(Locale.ROOT));
        }
        if (!energies.isEmpty()) {
            sb.append(",energy_pj");
            for (EnergyComponent c : EnergyComponent.values()) {
                sb.append(",energy_").append(c.name().toLowerCase(Locale.ROOT)).append("_pj");
            }
            for (Event e : Event.values()) {
                sb.append(',').append(e.key());
            }
        }
        sb.append('\n');
        for (int ri = 0; ri < runs.size(); ri++) {
            RunStats r = runs.get(ri);
            for (int i = 0; i < r.layers().size(); i++) {
                LayerStats l = r.layers().get(i);
                sb.append(i).append(',').append(String.join(",", ComputeReport.npuColumns(l, r.config()))).append(',')
                        .append(r.profile()).append(',').append(CsvField.quote(l.name())).append(',').append(l.arrayCycles()).append(',')
                        .append(String.format(Locale.ROOT, "%.6f,%.6f", l.peUtilization(r.config().arrayRows(), r.config().arrayCols()),
                                l.mappingEfficiency()))
                        .append(',').append(l.int8Macs()).append(',').append(l.int4Macs()).append(',').append(l.folds()).append(',')
                        .append(l.dmaBytes());
                for (Activity a : Activity.values()) {
                    sb.append(',').append(l.breakdown().getOrDefault(a, 0L));
                }
                if (!energies.isEmpty()) {
                    EnergyReport.LayerEnergy le = energies.get(ri).layers().get(i);
                    sb.append(String.format(Locale.ROOT, ",%.3f", le.totalPj()));
                    for (EnergyComponent c : EnergyComponent.values()) {
                        sb.append(String.format(Locale.ROOT, ",%.3f", le.pj().get(c)));
                    }
                    for (Event e : Event.values()) {
                        sb.append(',').append(l.events().get(e));
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
