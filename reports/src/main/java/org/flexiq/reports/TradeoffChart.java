package org.flexiq.reports;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.util.List;

/** FlexiQ's headline picture: latency against accuracy, one point per 4-bit ratio, labelled with it. */
public final class TradeoffChart {
    /** A ratio's simulated latency and measured top-1 accuracy. */
    public record Point(double ratio, double latencyUs, double top1) {
    }

    private TradeoffChart() {
    }

    /** @param series label of the accuracy column (selection method, extraction, data) */
    public static JFreeChart of(String model, String npu, String series, List<Point> points) {
        java.util.Map<String, List<Point>> one = new java.util.LinkedHashMap<>();
        one.put(series, points);
        return of(model, npu, one);
    }

    /**
     * Several series, one line each (e.g. a selection method with an extraction); the points of the first are
     * labelled with their ratio (the others share its ratios, so more labels would only overlap).
     */
    public static JFreeChart of(String model, String npu, java.util.Map<String, List<Point>> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false);
            for (Point p : e.getValue()) {
                s.add(p.latencyUs(), 100 * p.top1());
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Latency vs accuracy per 4-bit ratio - " + model + " on " + npu,
                "latency (us per inference)", "top-1 accuracy (%)", data, PlotOrientation.VERTICAL, true, true, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((org.jfree.chart.axis.NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        for (Point p : series.values().iterator().next()) {
            XYTextAnnotation a = new XYTextAnnotation("  " + SweepPoint.ratioText(100 * p.ratio()) + "% 4-bit", p.latencyUs(), 100 * p.top1());
            a.setTextAnchor(TextAnchor.BOTTOM_LEFT);
            a.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            plot.addAnnotation(a);
        }
        return chart;
    }
}
