package org.flexiq.reports;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Map;

/** The serving simulation's pictures: one run over time, and latency percentiles against request rate (FlexiQ's Fig. 8). */
public final class ServeCharts {
    /** One interval of a run: arrivals per second, mean ratio started, longest queue, p90 latency in milliseconds (NaN: none). */
    public record Interval(double start, double rate, double ratio, int queue, double p90Ms) {
    }

    /** Latency percentiles of a run at one request rate, milliseconds. */
    public record RatePoint(double rate, double p50Ms, double p90Ms, double p99Ms) {
    }

    private ServeCharts() {
    }

    /** Load, ratio, queue and p90 latency over time, on one time axis; the SLO as a line on the latency plot (0: none). */
    public static JFreeChart timeSeries(String title, List<Interval> series, double sloMs) {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("time (s)"));
        plot.setGap(8);
        plot.add(subplot("requests / s", series, Interval::rate, false), 1);
        plot.add(subplot("4-bit ratio", series, Interval::ratio, true), 1);
        plot.add(subplot("queue (max)", series, i -> i.queue(), true), 1);
        XYPlot latency = subplot("p90 latency (ms)", series, Interval::p90Ms, false);
        if (sloMs > 0) {
            ValueMarker slo = new ValueMarker(sloMs, new Color(0xc0392b), new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                    new float[]{6, 4}, 0));
            slo.setLabel("SLO");
            latency.addRangeMarker(slo);
        }
        plot.add(latency, 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYPlot subplot(String label, List<Interval> series, java.util.function.ToDoubleFunction<Interval> value, boolean steps) {
        XYSeries s = new XYSeries(label, false);
        for (Interval i : series) {
            double v = value.applyAsDouble(i);
            if (!Double.isNaN(v)) {
                s.add(i.start(), v);
            }
        }
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        XYPlot p = new XYPlot(new XYSeriesCollection(s), null, axis, steps ? new XYStepRenderer() : new XYLineAndShapeRenderer(true, false));
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(new Color(0xdddddd));
        p.setRangeGridlinePaint(new Color(0xdddddd));
        p.getRenderer().setSeriesPaint(0, new Color(0x2c3e50));
        return p;
    }

    /** p90 (solid) and p99 (dashed) latency against the request rate, one colour per policy; latency on a log axis. */
    public static JFreeChart latencyVsRate(String title, Map<String, List<RatePoint>> byPolicy) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : byPolicy.entrySet()) {
            XYSeries p90 = new XYSeries(e.getKey() + " p90", false);
            XYSeries p99 = new XYSeries(e.getKey() + " p99", false);
            for (RatePoint p : e.getValue()) {
                p90.add(p.rate(), p.p90Ms());
                p99.add(p.rate(), p.p99Ms());
            }
            data.addSeries(p90);
            data.addSeries(p99);
        }
        LogAxis y = new LogAxis("latency (ms)");
        y.setSmallestValue(1e-3);
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1)); // one tick per decade
        y.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
                new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, palette[(i / 2) % palette.length]);
            if (i % 2 == 1) {
                r.setSeriesStroke(i, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 4}, 0));
            }
        }
        NumberAxis x = new NumberAxis("requests / s");
        x.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
