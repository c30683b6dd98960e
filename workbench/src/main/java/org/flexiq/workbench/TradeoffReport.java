package org.flexiq.workbench;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.ChartFiles;
import org.flexiq.reports.HtmlReport;
import org.flexiq.reports.TradeoffChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A trade-off as files: report.html with the latency/accuracy (Pareto) chart and the tables, tradeoff.csv. */
public final class TradeoffReport {
    private TradeoffReport() {
    }

    public static void write(Path dir, TradeoffResult r) throws IOException {
        Map<String, List<TradeoffChart.Point>> lines = new LinkedHashMap<>();
        for (TradeoffResult.Series s : r.series()) {
            List<TradeoffChart.Point> pts = new ArrayList<>();
            for (int i = 0; i < s.ratios().size(); i++) {
                pts.add(new TradeoffChart.Point(s.ratios().get(i), s.latencyUs().get(i), s.top1().get(i)));
            }
            lines.put(label(s), pts);
        }
        // the floor program: the first method's model, its accuracy at each ratio served, the floor program's latency
        for (TradeoffResult.Series s : floorSeries(r)) {
            List<TradeoffChart.Point> pts = new ArrayList<>();
            for (TradeoffResult.Timing t : r.floorTimings()) {
                pts.add(new TradeoffChart.Point(t.ratio(), t.latencyUs(), s.top1At(t.ratio())));
            }
            lines.put(label(s) + ", " + floorLabel(r), pts);
        }
        HtmlReport page = new HtmlReport(r.model() + " on " + r.npu() + " (G = " + r.groupWidth() + "): latency and accuracy per 4-bit ratio");
        page.paragraph("Latency from the fast engine (cycle-identical to the cycle-stepped engine), outputs checked against the golden "
                + "executor; top-1 on " + r.data() + " (" + r.images() + " images). Every number on this page is computed.");
        page.heading("Headlines");
        page.paragraph(headline(r));
        page.chart("Latency against top-1 accuracy, one line per selection method and extraction", ChartFiles.write(dir.resolve("charts"),
                "latency-vs-accuracy", TradeoffChart.of(r.model(), r.npu(), lines)), "charts/latency-vs-accuracy");
        page.heading("Per ratio");
        page.table(headers(r), rows(r));
        page.heading("Selections");
        List<List<String>> sel = new ArrayList<>();
        for (TradeoffResult.Selection s : r.selections()) {
            for (int i = 0; i < s.ratios().size(); i++) {
                sel.add(List.of(s.method(), pct(s.ratios().get(i)), String.format(Locale.ROOT, "%.1f s", s.seconds()),
                        num(s.searchFitness().get(i)), num(s.heldOutFitness().get(i))));
            }
        }
        page.table(List.of("method", "4-bit ratio", "selection time", "fitness, search samples", "fitness, held-out images"), sel);
        AtomicFiles.write(dir.resolve("tradeoff.csv"), csv(r));
        AtomicFiles.write(dir.resolve("report.html"), page.render());
    }

    public static String label(TradeoffResult.Series s) {
        return s.method() + ", " + s.extraction();
    }

    private static String floorLabel(TradeoffResult r) {
        return "--min-ratio " + org.flexiq.compiler.lower.NpuCompiler.profileName(r.minRatio());
    }

    /** The series whose model the floor program was compiled from: the first method's (not its independent searches). */
    private static List<TradeoffResult.Series> floorSeries(TradeoffResult r) {
        if (r.floorTimings().isEmpty()) {
            return List.of();
        }
        String first = r.series().get(0).method();
        return r.series().stream().filter(s -> s.method().equals(first)).toList();
    }

    /** The two headline figures: the first series' 50% loss against 8-bit, and the 50% share of the 100% speedup. */
    public static String headline(TradeoffResult r) {
        StringBuilder b = new StringBuilder();
        for (TradeoffResult.Series s : r.series()) {
            double half = s.top1At(0.5);
            if (!Double.isNaN(half)) {
                b.append(String.format(Locale.ROOT, "50%% 4-bit (%s): %.2f%% top-1, %+.2f pp against 8-bit. ", label(s), 100 * half,
                        100 * (half - r.int8Top1())));
            }
        }
        if (!r.floorTimings().isEmpty()) {
            List<String> at = r.floorTimings().stream().map(t -> String.format(Locale.ROOT, "%s at %.3fx", pct(t.ratio()), t.speedup())).toList();
            b.append("With ").append(floorLabel(r)).append(" (the weights 4-bit at every ratio served stored as 4-bit codes): ")
                    .append(String.join(", ", at)).append(" over 8-bit. ");
        }
        double share = r.halfShareOfFullSpeedup();
        TradeoffResult.Timing full = r.timing(1.0);
        if (full != null && full.speedup() <= 1) {
            b.append(String.format(Locale.ROOT, "100%% 4-bit is not faster than 8-bit here (%.3fx).", full.speedup()));
        } else if (!Double.isNaN(share)) {
            b.append(String.format(Locale.ROOT, "50%% 4-bit reaches %.0f%% of the 100%% speedup (%.3fx of %.3fx).", 100 * share,
                    r.timing(0.5).speedup(), r.timing(1.0).speedup()));
        }
        return b.toString().trim();
    }

    public static List<String> headers(TradeoffResult r) {
        List<String> h = new ArrayList<>(List.of("4-bit ratio", "cycles", "latency (us)", "PE utilization", "speedup", "energy (uJ)",
                "outputs vs golden"));
        for (TradeoffResult.Series s : r.series()) {
            h.add(label(s));
        }
        return h;
    }

    public static List<List<String>> rows(TradeoffResult r) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < r.timings().size(); i++) {
            TradeoffResult.Timing t = r.timings().get(i);
            List<String> row = new ArrayList<>(List.of(pct(t.ratio()), String.valueOf(t.cycles()), String.format(Locale.ROOT, "%.2f", t.latencyUs()),
                    pct(t.peUtilization()), String.format(Locale.ROOT, "%.3fx", t.speedup()), String.format(Locale.ROOT, "%.2f", t.energyUj()),
                    t.goldenMatch() ? "match" : "DIFFER"));
            for (TradeoffResult.Series s : r.series()) {
                row.add(String.format(Locale.ROOT, "%.2f%%", 100 * s.top1().get(i)));
            }
            rows.add(row);
        }
        for (TradeoffResult.Timing t : r.floorTimings()) {
            List<String> row = new ArrayList<>(List.of(pct(t.ratio()) + ", " + floorLabel(r), String.valueOf(t.cycles()),
                    String.format(Locale.ROOT, "%.2f", t.latencyUs()), pct(t.peUtilization()), String.format(Locale.ROOT, "%.3fx", t.speedup()),
                    String.format(Locale.ROOT, "%.2f", t.energyUj()), t.goldenMatch() ? "match" : "DIFFER"));
            for (TradeoffResult.Series s : r.series()) {
                row.add(String.format(Locale.ROOT, "%.2f%%", 100 * s.top1At(t.ratio())));
            }
            rows.add(row);
        }
        return rows;
    }

    public static String csv(TradeoffResult r) {
        StringBuilder b = new StringBuilder("model,npu,group,method,extraction,ratio,cycles,latency_us,pe_utilization,speedup,energy_uj,top1,min_ratio\n");
        for (TradeoffResult.Series s : r.series()) {
            for (int i = 0; i < s.ratios().size(); i++) {
                TradeoffResult.Timing t = r.timings().get(i);
                b.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s,%d,%.4f,%.6f,%.6f,%.4f,%.4f,0%n", r.model(), r.npu(), r.groupWidth(), s.method(),
                        s.extraction(), s.ratios().get(i), t.cycles(), s.latencyUs().get(i), t.peUtilization(), t.speedup(), t.energyUj(),
                        s.top1().get(i)));
            }
        }
        for (TradeoffResult.Series s : floorSeries(r)) {
            for (TradeoffResult.Timing t : r.floorTimings()) {
                b.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s,%d,%.4f,%.6f,%.6f,%.4f,%.4f,%s%n", r.model(), r.npu(), r.groupWidth(), s.method(),
                        s.extraction(), t.ratio(), t.cycles(), t.latencyUs(), t.peUtilization(), t.speedup(), t.energyUj(), s.top1At(t.ratio()),
                        r.minRatio()));
            }
        }
        return b.toString();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.5g", v);
    }
}
