package org.flexiq.reports;

import org.flexiq.simulator.Activity;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.energy.EnergyReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sim run --report DIR}: DIR/report.html (self-contained), DIR/charts/*.png and *.svg, DIR/layers.csv
 * ({@link LayerCsv}). Charts: per ratio, PE utilization per layer and the stacked cycle breakdown per layer;
 * with several ratios, latency and PE utilization against the ratio; with an accuracy table, latency
 * against accuracy.
 */
public final class RunReportPage {
    private RunReportPage() {
    }

    /**
     * @param checks   per run, "match" or "DIFFER" against the golden executor (empty when not checked)
     * @param tradeoff latency and accuracy per ratio, or empty
     * @param energies per run, its energy; {@code int8Base} the ratio-0 run priced on plain int8 PEs
     * @param minRatio the program's ratio floor ({@code --min-ratio}; 0: it serves every ratio)
     */
    public static void write(Path dir, String model, String engine, List<RunStats> runs, RunStats base, List<String> checks,
                             String tradeoffSeries, List<TradeoffChart.Point> tradeoff, List<EnergyReport> energies, EnergyReport int8Base,
                             double minRatio) throws IOException {
        Path charts = dir.resolve("charts");
        NpuConfig c = runs.get(0).config();
        HtmlReport page = new HtmlReport(model + " on " + c.name() + " (" + c.arrayRows() + "x" + c.arrayCols() + ", G = " + c.groupWidth() + ")");
        page.paragraph(engine + " engine; " + runs.size() + " run(s); every number on this page is computed by the simulator "
                + "(definitions: reports/README.md and simulator/README.md)."
                + (minRatio > 0 ? " The program serves the ratios from " + SweepPoint.ratioText(minRatio) + " up, with the weights 4-bit at "
                + "all of them stored as packed 4-bit codes (--min-ratio); speed-ups are over the full program's ratio-0 run." : ""));
        page.heading("Summary");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunStats r = runs.get(i);
            rows.add(List.of(r.profile(), String.valueOf(r.cycles()), String.format(Locale.ROOT, "%.1f us", r.latencyMicroseconds()),
                    percent(r.peUtilization()), String.format(Locale.ROOT, "%.3fx", base.cycles() / (double) r.cycles()),
                    String.valueOf(r.dmaBytes()), checks.isEmpty() ? "not checked" : checks.get(i)));
        }
        page.table(List.of("4-bit ratio", "cycles", "latency", "PE utilization", "speedup over ratio 0", "DRAM bytes", "outputs vs golden"), rows);
        if (runs.size() > 1) {
            List<SweepPoint> points = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                points.add(SweepPoint.of(model, runs.get(i), base, energies.get(i), int8Base != null ? int8Base : energies.get(0), minRatio, 1));
            }
            page.heading("Against the 4-bit ratio");
            page.chart("Latency against the 4-bit ratio", ChartFiles.write(charts, "latency-vs-ratio",
                    SweepCharts.versusRatio(points, c.groupWidth(), Metric.LATENCY)), "charts/latency-vs-ratio");
            page.chart("PE utilization against the 4-bit ratio", ChartFiles.write(charts, "utilization-vs-ratio",
                    SweepCharts.versusRatio(points, c.groupWidth(), Metric.PE_UTILIZATION)), "charts/utilization-vs-ratio");
            page.chart("Energy against the 4-bit ratio", ChartFiles.write(charts, "energy-vs-ratio",
                    SweepCharts.versusRatio(points, c.groupWidth(), Metric.ENERGY)), "charts/energy-vs-ratio");
        }
        EnergySection.add(page, charts, model, energies, int8Base);
        if (!tradeoff.isEmpty()) {
            page.heading("Latency and accuracy");
            page.chart("Latency against top-1 accuracy (" + tradeoffSeries + ")", ChartFiles.write(charts, "latency-vs-accuracy",
                    TradeoffChart.of(model, c.name(), tradeoffSeries, tradeoff)), "charts/latency-vs-accuracy");
        }
        for (int ri = 0; ri < runs.size(); ri++) {
            RunStats r = runs.get(ri);
            EnergyReport energy = energies.get(ri);
            String stem = "ratio-" + r.profile();
            page.heading("4-bit ratio " + r.profile());
            page.chart("PE utilization per layer", ChartFiles.write(charts, stem + "-utilization", LayerCharts.peUtilization(r, model)),
                    "charts/" + stem + "-utilization");
            page.chart("Cycles per layer by activity", ChartFiles.write(charts, stem + "-breakdown", LayerCharts.breakdown(r, model)),
                    "charts/" + stem + "-breakdown");
            page.details("Per-layer table at ratio " + r.profile(), p -> p.table(layerHeaders(), layerRows(r, energy)));
        }
        page.heading("NPU configuration");
        page.table(List.of("field", "value"), config(c));
        AtomicFiles.write(dir.resolve("layers.csv"), LayerCsv.csv(runs, energies));
        AtomicFiles.write(dir.resolve("report.html"), page.render());
    }

    private static List<String> layerHeaders() {
        List<String> h = new ArrayList<>(List.of("layer", "cycles", "array cycles", "PE utilization", "int8 MACs", "int4 MACs", "folds",
                "DRAM bytes", "energy (nJ)"));
        for (Activity a : Activity.values()) {
            h.add(a.label());
        }
        return h;
    }

    private static List<List<String>> layerRows(RunStats r, EnergyReport energy) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < r.layers().size(); i++) {
            LayerStats l = r.layers().get(i);
            List<String> row = new ArrayList<>(List.of(l.name(), String.valueOf(l.cycles()), String.valueOf(l.arrayCycles()),
                    percent(l.peUtilization(r.config().arrayRows(), r.config().arrayCols())), String.valueOf(l.int8Macs()),
                    String.valueOf(l.int4Macs()), String.valueOf(l.folds()), String.valueOf(l.dmaBytes()),
                    String.format(Locale.ROOT, "%.1f", energy.layers().get(i).totalPj() / 1000)));
            for (Activity a : Activity.values()) {
                row.add(String.valueOf(l.breakdown().getOrDefault(a, 0L)));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> config(NpuConfig c) {
        List<List<String>> rows = new ArrayList<>();
        for (var comp : NpuConfig.class.getRecordComponents()) {
            try {
                rows.add(List.of(comp.getName(), String.valueOf(comp.getAccessor().invoke(c))));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return rows;
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
