package org.flexiq.reports;

import org.flexiq.simulator.Activity;
import org.flexiq.simulator.EventCounts;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChartsTest {
    static RunStats run(String profile, long cycles) {
        NpuConfig c = NpuPresets.load("gemmini-like");
        Map<Activity, Long> b1 = new EnumMap<>(Activity.class);
        Map<Activity, Long> b2 = new EnumMap<>(Activity.class);
        for (Activity a : Activity.values()) {
            b1.put(a, 0L);
            b2.put(a, 0L);
        }
        b1.put(Activity.INT8_MAC, cycles / 2);
        b1.put(Activity.DMA_STALL, cycles / 2);
        b2.put(Activity.VECTOR, 100L);
        List<LayerStats> layers = new ArrayList<>();
        layers.add(new LayerStats("(register writes)", 0, b2.keySet().stream().collect(java.util.stream.Collectors.toMap(a -> a, a -> 0L)), 0, 0, 0,
                0, 0, 0, 0, 0, EventCounts.NONE));
        layers.add(new LayerStats("conv1", cycles, b1, 256L * cycles / 4, 0, 1000, 256L * cycles / 2, 4, cycles / 2 + 10, 0.5, 0.4, EventCounts.NONE));
        layers.add(new LayerStats("add", 100, b2, 0, 0, 10, 0, 0, 0, 0, 0, EventCounts.NONE));
        return new RunStats("fast", c, profile, cycles + 100, layers);
    }

    @Test
    void layerChartsShowEveryLayerThatRanWithItsComputedValues() {
        RunStats r = run("0.5", 1000);
        CategoryPlot util = LayerCharts.peUtilization(r, "m").getCategoryPlot();
        assertThat(util.getCategories()).containsExactly("conv1", "add"); // the empty register-write window is left out
        // conv1: 256 * 1000 / 4 MACs over 16 x 16 PEs x 1000 cycles = 25%
        assertThat(util.getDataset().getValue("PE utilization", "conv1").doubleValue()).isEqualTo(25.0);
        JFreeChart b = LayerCharts.breakdown(r, "m");
        assertThat(b.getTitle().getText()).isEqualTo("Cycles per layer by activity - m on gemmini-like (16x16, G = 32), 4-bit ratio 0.5");
        assertThat(b.getCategoryPlot().getDataset().getValue("DMA stall", "conv1").doubleValue()).isEqualTo(0.5);
        assertThat(b.getCategoryPlot().getRangeAxis().getLabel()).isEqualTo("cycles (thousands)");
    }

    @Test
    void chartFilesArePngAndSvgAt1200By800(@TempDir Path dir) throws IOException {
        byte[] png = ChartFiles.write(dir, "u", LayerCharts.peUtilization(run("1", 1000), "m"));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(1200);
        assertThat(img.getHeight()).isEqualTo(800);
        assertThat(Files.readAllBytes(dir.resolve("u.png"))).isEqualTo(png);
        String svg = Files.readString(dir.resolve("u.svg"));
        assertThat(svg).contains("<svg", "width='1200.0'", "height='800.0'", "PE utilization per layer");
        // the same chart gives the same bytes
        assertThat(ChartFiles.svg(LayerCharts.peUtilization(run("1", 1000), "m"))).isEqualTo(svg);
        assertThat(ChartFiles.png(LayerCharts.peUtilization(run("1", 1000), "m"))).isEqualTo(png);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("u.png", "u.svg"); // no temporary files left
        }
    }

    @Test
    void sweepChartsPlotFeasiblePointsAndMarkInfeasibleOnes() {
        List<SweepPoint> points = new ArrayList<>();
        for (int[] rc : new int[][]{{8, 8}, {16, 16}}) {
            for (int g : new int[]{16, 32}) {
                for (double r : new double[]{0, 1}) {
                    if (rc[0] == 8 && g == 32) {
                        points.add(SweepPoint.infeasible("m", "p", rc[0], rc[1], g, r, "too big", 0, 1));
                    } else {
                        long cycles = 1000L * rc[0] / (r == 1 ? 2 : 1);
                        points.add(new SweepPoint("m", "p", rc[0], rc[1], g, r, SweepPoint.OK, "", cycles, cycles / 1000.0, 0.5, r == 1 ? 2 : 1, 1, 1, 1,
                                cycles * (2 - r), 1.2, cycles * 2.0, 1.0, 0, 1));
                    }
                }
            }
        }
        JFreeChart lines = SweepCharts.versusRatio(points, 32, Metric.LATENCY);
        assertThat(lines.getXYPlot().getDataset().getSeriesCount()).isEqualTo(1); // 8x8 has no feasible point at G = 32
        assertThat(lines.getXYPlot().getDataset().getYValue(0, 1)).isEqualTo(8.0);
        JFreeChart heat = SweepCharts.heatMap(points, 1, Metric.SPEEDUP);
        assertThat(heat.getXYPlot().getDataset().getItemCount(0)).isEqualTo(3);
        assertThat(heat.getXYPlot().getAnnotations()).hasSize(4);
        assertThat(heat.getTitle().getText()).isEqualTo("Speedup by array and group width - m on p, 4-bit ratio 1");
        // energy x delay in uJ x ms: 16x16 at ratio 1 spends 8000 pJ over 8 us
        assertThat(Metric.ENERGY_DELAY.of(points.get(5))).isCloseTo(8000 / 1e6 * 8 / 1e3, org.assertj.core.api.Assertions.within(1e-15));
        // worth it: per array, performance per area (speedup x int8 area / area) and energy gain (int8 energy / energy)
        JFreeChart worth = SweepCharts.worthIt(points, 16);
        var d = worth.getXYPlot().getDataset();
        assertThat(d.getSeriesCount()).isEqualTo(4);
        assertThat(d.getSeriesKey(0)).isEqualTo("8x8 performance per area (area +20.0%)");
        assertThat(d.getYValue(0, 1)).isCloseTo(2 / 1.2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(d.getYValue(1, 1)).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-12)); // 2 cycles x 2 pJ / (cycles x 1 pJ)
    }

    @Test
    void layerCsvPutsScaleSimsColumnsFirst() {
        String csv = LayerCsv.csv(List.of(run("0.5", 1000)));
        String[] lines = csv.split("\n");
        assertThat(lines[0]).startsWith("LayerID,Total Cycles,Stall Cycles,Overall Util %,Mapping Efficiency %,Compute Util %,ratio,layer,");
        // conv1: 1000 cycles, array 510 of them; overall util 64,000 MACs / (256 x 1000) = 25%
        assertThat(lines[2]).startsWith("1,1000,490,25.0,50.0,40.0,0.5,conv1,510,0.250000,");
        assertThat(lines).hasSize(4);
    }

    @Test
    void computeReportPrintsNumbersAsPython() {
        assertThat(ComputeReport.python(100.0)).isEqualTo("100.0");
        assertThat(ComputeReport.python(91.875)).isEqualTo("91.875");
        assertThat(ComputeReport.python(0.0)).isEqualTo("0.0");
        assertThat(ComputeReport.python(96.16681999386688)).isEqualTo("96.16681999386688");
    }

    @Test
    void htmlEscapesTextAndEmbedsImages() {
        String html = new HtmlReport("a <b> & \"c\"").table(List.of("x"), List.of(List.of("1.5 ms"), List.of("<script>"))).chart("cap", new byte[]{1, 2},
                "charts/x").render();
        assertThat(html).contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>", "<td class=\"n\">1.5 ms</td>", "<td>&lt;script&gt;</td>",
                "src=\"data:image/png;base64,AQI=\"", "href=\"charts/x.svg\"");
    }
}
