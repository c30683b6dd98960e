package org.flexiq.workbench.serve;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.ChartFiles;
import org.flexiq.reports.HtmlReport;
import org.flexiq.reports.ServeCharts;
import org.flexiq.reports.SweepPoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A serving run's files: DIR/report.html (one time-series chart per policy, latency against request rate when swept, the
 * figures as tables), DIR/charts/*.png and .svg, and DIR/series.csv (every policy's time series).
 */
public final class ServeReport {
    public static final String CSV_HEADER = "policy,start_s,rate_per_s,ratio,queue_max,p90_ms";

    private ServeReport() {
    }

    public static String csv(List<ServingResult> results) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (ServingResult r : results) {
            for (ServingResult.Bin bin : r.series()) {
                b.append(String.format(Locale.ROOT, "%s,%.6f,%.3f,%s,%d,%s%n", r.policy(), bin.start(), bin.rate(),
                        Double.isNaN(bin.ratio()) ? "" : String.format(Locale.ROOT, "%.4f", bin.ratio()), bin.queue(),
                        Double.isNaN(bin.p90()) ? "" : String.format(Locale.ROOT, "%.6f", 1e3 * bin.p90())));
            }
        }
        return b.toString();
    }

    /** @param sweep null when no rates were swept */
    public static void write(Path dir, String model, List<ServingResult> results, Map<String, List<ServeCharts.RatePoint>> sweep) throws IOException {
        AtomicFiles.write(dir.resolve("series.csv"), csv(results));
        Path charts = dir.resolve("charts");
        ServingResult first = results.get(0);
        HtmlReport page = new HtmlReport("Serving: " + model);
        page.paragraph(first.service() + ". Arrivals " + first.arrivals() + "; " + first.setup().servers() + " server(s), batch up to "
                + first.setup().batch() + (first.setup().slo() > 0 ? ", SLO " + Durations.text(first.setup().slo()) : "") + ".");
        List<List<String>> rows = new ArrayList<>();
        for (ServingResult r : results) {
            rows.add(List.of(r.policy(), ms(r.p50()), ms(r.p90()), ms(r.p99()), String.format(Locale.ROOT, "%.1f/s", r.throughput()),
                    String.valueOf(r.sloViolations()), String.valueOf(r.dropped()),
                    r.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * r.accuracy()), String.valueOf(r.switches()),
                    shares(r.timeShare())));
        }
        page.table(List.of("policy", "p50", "p90", "p99", "throughput", "SLO violations", "dropped", "accuracy", "switches", "time at each ratio"),
                rows);
        for (ServingResult r : results) {
            String stem = "serve-" + r.policy().replaceAll("[^A-Za-z0-9.]+", "_");
            page.chart("Load, ratio, queue and p90 latency over time: " + r.policy(), ChartFiles.write(charts, stem,
                    ServeCharts.timeSeries(model + ", " + r.arrivals() + ", " + r.policy(), Serving.intervals(r), 1e3 * r.setup().slo())),
                    "charts/" + stem);
        }
        if (sweep != null) {
            page.chart("p90 (solid) and p99 (dashed) latency against the Poisson request rate", ChartFiles.write(charts, "latency-vs-rate",
                    ServeCharts.latencyVsRate(model + ": latency against request rate", sweep)), "charts/latency-vs-rate");
            List<List<String>> points = new ArrayList<>();
            for (var e : sweep.entrySet()) {
                for (ServeCharts.RatePoint p : e.getValue()) {
                    points.add(List.of(e.getKey(), String.format(Locale.ROOT, "%.0f/s", p.rate()), ms(p.p50Ms() / 1e3), ms(p.p90Ms() / 1e3),
                            ms(p.p99Ms() / 1e3)));
                }
            }
            page.table(List.of("policy", "rate", "p50", "p90", "p99"), points);
        }
        AtomicFiles.write(dir.resolve("report.html"), page.render());
    }

    private static String shares(Map<Double, Double> share) {
        List<String> parts = new ArrayList<>();
        share.forEach((r, s) -> parts.add(SweepPoint.ratioText(r) + ": " + String.format(Locale.ROOT, "%.1f%%", 100 * s)));
        return String.join(", ", parts);
    }

    /** Seconds as microseconds under a millisecond, else milliseconds. */
    public static String ms(double seconds) {
        double ms = 1e3 * seconds;
        return Double.isNaN(ms) ? "-" : ms < 1 ? String.format(Locale.ROOT, "%.1f us", 1e3 * ms) : String.format(Locale.ROOT, "%.2f ms", ms);
    }
}
