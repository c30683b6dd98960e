package org.flexiq.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's files, drawn from its points: DIR/sweep.csv (one row per point), DIR/charts (per group width, latency,
 * PE utilization and energy against the ratio, one line per array, and whether the dual-int4 PE is worth its area;
 * per ratio, heat maps of array x group width for latency, utilization, speedup, energy and energy-delay) and
 * DIR/report.html. Redrawing from the same points gives the same bytes
 * except the PNG encoder's, which is deterministic too.
 */
public final class SweepReportPage {
    public static final String CSV_HEADER = "model,npu,array,rows,cols,group,ratio,status,reason,cycles,latency_us,pe_utilization,"
            + "speedup_over_ratio0,dram_bytes,int8_macs,int4_macs,energy_pj,area_mm2,int8_pe_energy_pj,int8_pe_area_mm2,energy_delay_uj_ms,"
            + "perf_per_area_gain_over_int8_pe,energy_gain_over_int8_pe,min_ratio,batch";

    private SweepReportPage() {
    }

    public static String csv(List<SweepPoint> points) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (SweepPoint p : points) {
            b.append(CsvField.quote(p.model())).append(',').append(CsvField.quote(p.npu())).append(',').append(p.array()).append(',')
                    .append(p.rows()).append(',').append(p.cols()).append(',').append(p.group()).append(',').append(SweepPoint.ratioText(p.ratio()))
                    .append(',').append(p.status()).append(',').append(CsvField.quote(p.reason())).append(',').append(p.cycles()).append(',')
                    .append(String.format(Locale.ROOT, "%.3f,%.6f,%.6f", p.latencyUs(), p.peUtilization(), p.speedup())).append(',')
                    .append(p.dramBytes()).append(',').append(p.int8Macs()).append(',').append(p.int4Macs()).append(',')
                    .append(String.format(Locale.ROOT, "%.1f,%.6f,%.1f,%.6f,%.6g,%.6f,%.6f", p.energyPj(), p.areaMm2(), p.int8EnergyPj(),
                            p.int8AreaMm2(), p.energyDelay(), p.perfPerAreaGain(), p.energyGain())).append(',')
                    .append(SweepPoint.ratioText(p.minRatio())).append(',').append(p.batch()).append('\n');
        }
        return b.toString();
    }

    public static void write(Path dir, List<SweepPoint> points) throws IOException {
        AtomicFiles.write(dir.resolve("sweep.csv"), csv(points));
        Path charts = dir.resolve("charts");
        SweepPoint any = points.get(0);
        long ok = points.stream().filter(SweepPoint::feasible).count();
        HtmlReport page = new HtmlReport("Sweep: " + any.model() + " on " + any.npu());
        page.paragraph(points.size() + " points (" + ok + " feasible): arrays " + String.join(", ", SweepCharts.distinct(points, SweepPoint::array))
                + "; group widths " + SweepCharts.distinct(points, SweepPoint::group) + "; 4-bit ratios "
                + SweepCharts.distinct(points, p -> SweepPoint.ratioText(p.ratio())) + ". Speedup is over ratio 0 on the same array and G."
                + floors(points) + batches(points));
        if (ok > 0) {
            for (int g : SweepCharts.distinct(points, SweepPoint::group)) {
                if (points.stream().noneMatch(p -> p.group() == g && p.feasible())) {
                    continue;
                }
                page.heading("G = " + g + ": against the 4-bit ratio");
                for (Metric m : List.of(Metric.LATENCY, Metric.PE_UTILIZATION, Metric.ENERGY)) {
                    String stem = m.id() + "-vs-ratio-g" + g;
                    page.chart(m.axis() + " against the ratio, G = " + g, ChartFiles.write(charts, stem, SweepCharts.versusRatio(points, g, m)),
                            "charts/" + stem);
                }
                String worth = "worth-it-g" + g;
                page.chart("Is the dual-int4 PE worth it (G = " + g + "): performance per area and energy against the same array of plain "
                        + "int8 PEs, which has no 4-bit lanes and runs every ratio as ratio 0", ChartFiles.write(charts, worth,
                        SweepCharts.worthIt(points, g)), "charts/" + worth);
            }
            for (double r : SweepCharts.distinct(points, SweepPoint::ratio)) {
                page.heading("4-bit ratio " + SweepPoint.ratioText(r) + ": array x group width");
                for (Metric m : Metric.values()) {
                    if (m == Metric.SPEEDUP && r == 0) {
                        continue; // 1 everywhere by definition
                    }
                    String stem = m.id() + "-heatmap-r" + SweepPoint.ratioText(r);
                    page.chart(m.axis() + " at ratio " + SweepPoint.ratioText(r), ChartFiles.write(charts, stem, SweepCharts.heatMap(points, r, m)),
                            "charts/" + stem);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (SweepPoint p : points) {
            rows.add(List.of(p.array(), String.valueOf(p.group()), SweepPoint.ratioText(p.ratio()), p.status(),
                    p.feasible() ? String.valueOf(p.cycles()) : "", p.feasible() ? SweepCharts.format(Metric.LATENCY, p.latencyUs()) : "",
                    p.feasible() ? RunReportPage.percent(p.peUtilization()) : "", p.feasible() ? String.format(Locale.ROOT, "%.3fx", p.speedup()) : "",
                    p.feasible() ? SweepCharts.format(Metric.ENERGY, p.energyPj() / 1e6) : "",
                    p.feasible() ? String.format(Locale.ROOT, "%.3f mm2", p.areaMm2()) : "",
                    p.feasible() ? String.format(Locale.ROOT, "%.3fx / %.3fx", p.perfPerAreaGain(), p.energyGain()) : "", p.reason()));
        }
        page.heading("Points");
        page.table(List.of("array", "G", "ratio", "status", "cycles", "latency", "PE utilization", "speedup", "energy", "area",
                "perf/area and energy gain over int8 PEs", "reason"), rows);
        AtomicFiles.write(dir.resolve("report.html"), page.render());
    }

    /** What the ratio floors of the points' programs mean, where any has one. */
    private static String floors(List<SweepPoint> points) {
        List<String> floors = SweepCharts.distinct(points, p -> SweepPoint.ratioText(p.minRatio()));
        return floors.equals(List.of("0")) ? "" : " Programs compiled for the ratio floor " + String.join(", ", floors) + " (--min-ratio): they serve "
                + "the ratios from it up and store the weights 4-bit at all of them as packed 4-bit codes; the speedup's ratio-0 run is the full "
                + "program's.";
    }

    /** What the batches of the points' programs mean, where any serves more than one image per run. */
    private static String batches(List<SweepPoint> points) {
        List<String> batches = SweepCharts.distinct(points, p -> Integer.toString(p.batch()));
        return batches.equals(List.of("1")) ? "" : " Programs compiled for " + String.join(", ", batches) + " images per run (--batch): each "
                + "matrix product loads its weights once for the batch; cycles, latency, DRAM bytes and energy are the batch's.";
    }
}
