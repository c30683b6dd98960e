package org.flexiq.cli;

import org.flexiq.simulator.Activity;
import org.flexiq.simulator.Event;
import org.flexiq.simulator.EventCounts;
import org.flexiq.simulator.energy.AreaItem;
import org.flexiq.simulator.energy.EnergyComponent;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** `sim run`'s JSON with everything (its CSV is {@link org.flexiq.reports.LayerCsv}). */
final class RunReport {
    private RunReport() {
    }

    static Map<String, Object> json(String model, String engine, String extraction, List<RunStats> runs, RunStats base, List<String> checks,
                                    List<EnergyReport> energies, EnergyReport int8Base, double minRatio, int batch) {
        NpuConfig c = runs.get(0).config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("engine", engine);
        m.put("extraction", extraction);
        m.put("npu", c);
        m.put("ratio0Cycles", base.cycles());
        // the program's ratio floor (--min-ratio; 0: it serves every ratio); ratio0Cycles is the full program's either way
        m.put("minRatio", minRatio);
        // images per run (--batch): cycles, latency, traffic and energy are the batch's
        m.put("batch", batch);
        EnergyTable t = energies.get(0).table();
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("source", t.source());
        table.put("technologyNm", t.technologyNm());
        table.put("peType", t.pe().id());
        Map<String, Double> pj = new LinkedHashMap<>();
        t.pj().forEach((a, v) -> pj.put(a.component() + "." + a.action(), v));
        table.put("pjPer", pj);
        Map<String, Double> mm2 = new LinkedHashMap<>();
        for (AreaItem i : AreaItem.values()) {
            mm2.put(i.component(), t.mm2(i));
        }
        table.put("areaMm2", mm2);
        table.put("totalAreaMm2", t.totalMm2());
        table.put("int8PeAreaMm2", int8Base == null ? null : int8Base.areaMm2());
        table.put("int8PeRatio0EnergyPj", int8Base == null ? null : int8Base.totalPj());
        m.put("energyModel", table);
        List<Object> rs = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunStats r = runs.get(i);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("ratio", r.profile());
            x.put("cycles", r.cycles());
            x.put("latencyUs", r.latencyMicroseconds());
            x.put("peUtilization", r.peUtilization());
            x.put("gemminiUtilization", r.gemminiUtilization());
            x.put("speedupOverRatio0", base.cycles() / (double) r.cycles());
            x.put("int8Macs", r.int8Macs());
            x.put("int4Macs", r.int4Macs());
            x.put("dmaBytes", r.dmaBytes());
            x.put("breakdown", labels(r.breakdown()));
            x.put("matchedGolden", checks.isEmpty() ? null : checks.get(i).equals("match"));
            EnergyReport en = energies.get(i);
            x.put("energyPj", en.totalPj());
            x.put("energyByComponentPj", components(en.byComponent()));
            x.put("pjPerMac", en.pjPerMac());
            x.put("topsPerWatt", en.topsPerWatt());
            x.put("powerMw", en.powerMw());
            x.put("energyDelayPjS", en.energyDelayPjS());
            x.put("topsPerMm2", en.topsPerMm2());
            x.put("inferencesPerSecondPerMm2", en.inferencesPerSecondPerMm2());
            x.put("events", events(r.events()));
            List<Object> ls = new ArrayList<>();
            for (int li = 0; li < r.layers().size(); li++) {
                LayerStats l = r.layers().get(li);
                Map<String, Object> y = new LinkedHashMap<>();
                y.put("layer", l.name());
                y.put("cycles", l.cycles());
                y.put("peUtilization", l.peUtilization(c.arrayRows(), c.arrayCols()));
                y.put("mappingEfficiency", l.mappingEfficiency());
                y.put("int8Macs", l.int8Macs());
                y.put("int4Macs", l.int4Macs());
                y.put("folds", l.folds());
                y.put("arrayCycles", l.arrayCycles());
                y.put("scalesimMappingEfficiency", l.scalesimMappingEfficiency());
                y.put("scalesimComputeUtilization", l.scalesimComputeUtilization());
                y.put("dmaBytes", l.dmaBytes());
                y.put("breakdown", labels(l.breakdown()));
                y.put("energyByComponentPj", components(en.layers().get(li).pj()));
                y.put("events", events(l.events()));
                ls.add(y);
            }
            x.put("layers", ls);
            rs.add(x);
        }
        m.put("runs", rs);
        return m;
    }

    private static Map<String, Double> components(Map<EnergyComponent, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((c, v) -> out.put(c.name().toLowerCase(Locale.ROOT), v));
        return out;
    }

    private static Map<String, Long> events(EventCounts e) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Event ev : Event.values()) {
            out.put(ev.key(), e.get(ev));
        }
        return out;
    }

    private static Map<String, Long> labels(Map<Activity, Long> b) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Activity a : Activity.values()) {
            m.put(a.name().toLowerCase(Locale.ROOT), b.get(a));
        }
        return m;
    }

}
