package org.flexiq.reports;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Charts of a sweep: a metric against the 4-bit ratio, one line per array; heat maps of array x group width. */
public final class SweepCharts {
    private SweepCharts() {
    }

    /** The metric against the ratio for one group width, one line per array size (feasible points only). */
    public static JFreeChart versusRatio(List<SweepPoint> points, int group, Metric metric) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String array : distinct(points, SweepPoint::array)) {
            XYSeries s = new XYSeries(array);
            for (SweepPoint p : points) {
                if (p.feasible() && p.group() == group && p.array().equals(array)) {
                    s.add(100 * p.ratio(), metric.of(p));
                }
            }
            if (s.getItemCount() > 0) {
                data.addSeries(s);
            }
        }
        SweepPoint any = points.get(0);
        JFreeChart chart = ChartFactory.createXYLineChart(capitalized(metric.id()) + " vs 4-bit ratio - " + any.model() + " on " + any.npu()
                        + ", G = " + group + ", one line per array", "4-bit ratio (% of channels)", metric.axis(), data,
                PlotOrientation.VERTICAL, true, true, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(r);
        ((NumberAxis) plot.getDomainAxis()).setRange(-2, 102);
        return chart;
    }

    /**
     * Is the dual-int4 PE worth it: for one group width, against the ratio, each array's performance per area and
     * energy over the same array built of plain int8 PEs (which runs everything at 8 bits). Above 1 it pays.
     */
    public static JFreeChart worthIt(List<SweepPoint> points, int group) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String array : distinct(points, SweepPoint::array)) {
            List<SweepPoint> line = points.stream().filter(p -> p.feasible() && p.group() == group && p.array().equals(array)).toList();
            if (line.isEmpty()) {
                continue;
            }
            String area = String.format(Locale.ROOT, "area +%.1f%%", 100 * (line.get(0).areaMm2() / line.get(0).int8AreaMm2() - 1));
            XYSeries perf = new XYSeries(array + " performance per area (" + area + ")");
            XYSeries energy = new XYSeries(array + " energy");
            for (SweepPoint p : line) {
                perf.add(100 * p.ratio(), p.perfPerAreaGain());
                energy.add(100 * p.ratio(), p.energyGain());
            }
            data.addSeries(perf);
            data.addSeries(energy);
        }
        SweepPoint any = points.get(0);
        JFreeChart chart = ChartFactory.createXYLineChart("Is the dual-int4 PE worth it? " + any.model() + " on " + any.npu() + ", G = " + group,
                "4-bit ratio (% of channels)", "gain over the same array of plain int8 PEs (x; above 1 it pays)", data,
                PlotOrientation.VERTICAL, true, true, false);
        XYPlot plot = style(chart);
        // one hue per array: performance per area solid, energy dashed
        Color[] hues = {new Color(0x2166ac), new Color(0xb2182b), new Color(0x1b7837), new Color(0x762a83), new Color(0xe08214),
                new Color(0x35978f)};
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, hues[(i / 2) % hues.length]);
            r.setSeriesStroke(i, i % 2 == 0 ? new java.awt.BasicStroke(2f)
                    : new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[]{8f, 5f}, 0f));
        }
        plot.setRenderer(r);
        plot.addRangeMarker(new org.jfree.chart.plot.ValueMarker(1.0, Color.GRAY, new java.awt.BasicStroke(1.5f)));
        ((NumberAxis) plot.getDomainAxis()).setRange(-2, 102);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    /** Array size (x) by group width (y) at one ratio, colour = the metric, each cell labelled with its value. */
    public static JFreeChart heatMap(List<SweepPoint> points, double ratio, Metric metric) {
        List<String> arrays = distinct(points, SweepPoint::array);
        List<Integer> groups = distinct(points, SweepPoint::group);
        DefaultXYZDataset data = new DefaultXYZDataset();
        List<double[]> cells = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<XYTextAnnotation> labels = new ArrayList<>();
        List<Double> labelValues = new ArrayList<>();
        for (SweepPoint p : points) {
            if (Math.abs(p.ratio() - ratio) > 1e-9) {
                continue;
            }
            double x = arrays.indexOf(p.array());
            double y = groups.indexOf(p.group());
            if (p.feasible()) {
                double v = metric.of(p);
                cells.add(new double[]{x, y, v});
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                labels.add(new XYTextAnnotation(format(metric, v), x, y));
                labelValues.add(v);
            } else {
                labels.add(new XYTextAnnotation("infeasible", x, y));
                labelValues.add(Double.NaN);
            }
        }
        double[][] xyz = new double[3][cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            for (int k = 0; k < 3; k++) {
                xyz[k][i] = cells.get(i)[k];
            }
        }
        data.addSeries(metric.id(), xyz);
        if (cells.isEmpty()) {
            lo = 0;
            hi = 1;
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        LookupPaintScale scale = new LookupPaintScale(lo, hi, Color.LIGHT_GRAY);
        for (int i = 0; i <= 100; i++) {
            double t = i / 100.0;
            scale.add(lo + t * (hi - lo), gradient(t));
        }
        SymbolAxis x = new SymbolAxis("array (rows x columns)", arrays.toArray(String[]::new));
        SymbolAxis y = new SymbolAxis("group width G (channels)", groups.stream().map(String::valueOf).toArray(String[]::new));
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, x, y, r);
        for (int i = 0; i < labels.size(); i++) {
            XYTextAnnotation a = labels.get(i);
            a.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            double v = labelValues.get(i);
            a.setPaint(!Double.isNaN(v) && (v - lo) / (hi - lo) > 0.55 ? Color.WHITE : Color.BLACK); // readable on the dark end
            plot.addAnnotation(a);
        }
        SweepPoint any = points.get(0);
        JFreeChart chart = new JFreeChart(capitalized(metric.id()) + " by array and group width - " + any.model() + " on " + any.npu()
                + ", 4-bit ratio " + SweepPoint.ratioText(ratio), new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, false);
        NumberAxis legendAxis = new NumberAxis(metric.axis());
        legendAxis.setRange(lo, hi);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        chart.addSubtitle(legend);
        style(chart);
        return chart;
    }

    /** Pale yellow to dark blue. */
    private static Color gradient(double t) {
        int r = (int) Math.round(255 + t * (8 - 255));
        int g = (int) Math.round(255 + t * (48 - 255));
        int b = (int) Math.round(204 + t * (107 - 204));
        return new Color(r, g, b);
    }

    static String format(Metric m, double v) {
        return switch (m) {
            case LATENCY -> v >= 1000 ? String.format(Locale.ROOT, "%.2f ms", v / 1000) : String.format(Locale.ROOT, "%.1f us", v);
            case PE_UTILIZATION -> String.format(Locale.ROOT, "%.1f%%", v);
            case SPEEDUP -> String.format(Locale.ROOT, "%.3fx", v);
            case ENERGY -> String.format(Locale.ROOT, "%.1f uJ", v);
            case ENERGY_DELAY -> String.format(Locale.ROOT, "%.3g", v);
        };
    }

    static <T> List<T> distinct(List<SweepPoint> points, java.util.function.Function<SweepPoint, T> f) {
        return new ArrayList<>(new LinkedHashSet<>(points.stream().map(f).toList()));
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static XYPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        return plot;
    }
}
