package org.flexiq.cli;

import org.flexiq.simulator.Activity;
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

    static Map<String, Object> json(String model, String engine, String extraction, List<RunStats> runs, RunStats base, List<String> checks) {
        NpuConfig c = runs.get(0).config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("engine", engine);
        m.put("extraction", extraction);
        m.put("npu", c);
        m.put("ratio0Cycles", base.cycles());
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
            List<Object> ls = new ArrayList<>();
            for (LayerStats l : r.layers()) {
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
                ls.add(y);
            }
            x.put("layers", ls);
            rs.add(x);
        }
        m.put("runs", rs);
        return m;
    }

    private static Map<String, Long> labels(Map<Activity, Long> b) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Activity a : Activity.values()) {
            m.put(a.name().toLowerCase(Locale.ROOT), b.get(a));
        }
        return m;
    }

}
