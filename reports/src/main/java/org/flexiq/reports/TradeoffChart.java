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
        XYSeries s = new XYSeries(series, false);
        for (Point p : points) {
            s.add(p.latencyUs(), 100 * p.top1());
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Latency vs accuracy per 4-bit ratio - " + model + " on " + npu,
                "latency (us per inference)", "top-1 accuracy (%)", new XYSeriesCollection(s), PlotOrientation.VERTICAL, true, true, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        for (Point p : points) {
            XYTextAnnotation a = new XYTextAnnotation("  " + SweepPoint.ratioText(100 * p.ratio()) + "% 4-bit", p.latencyUs(), 100 * p.top1());
            a.setTextAnchor(TextAnchor.BOTTOM_LEFT);
            a.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            plot.addAnnotation(a);
        }
        return chart;
    }
}
