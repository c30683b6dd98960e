package org.flexiq.reports;

import org.flexiq.simulator.Activity;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.RunStats;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.util.List;

/** Per-layer charts of one run: PE utilization bars, and each layer's cycles stacked by activity. */
public final class LayerCharts {
    /** One colour per {@link Activity}, in its order: MACs in greens, array overheads in blues, vector work warm, stalls grey. */
    static final Color[] ACTIVITY_COLORS = {new Color(0x1b7837), new Color(0x7fbf7b), new Color(0x2166ac), new Color(0x92c5de),
            new Color(0xb2182b), new Color(0xef8a62), new Color(0xfddbc7), new Color(0x999999)};

    private LayerCharts() {
    }

    /** The layers that did something (the register-write window of a run is often empty). */
    static List<LayerStats> shown(RunStats run) {
        return run.layers().stream().filter(l -> l.cycles() > 0).toList();
    }

    public static JFreeChart peUtilization(RunStats run, String model) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        int r = run.config().arrayRows();
        int c = run.config().arrayCols();
        for (LayerStats l : shown(run)) {
            d.addValue(100 * l.peUtilization(r, c), "PE utilization", l.name());
        }
        JFreeChart chart = ChartFactory.createBarChart(title("PE utilization per layer", model, run), "layer", "PE utilization (%)", d,
                PlotOrientation.VERTICAL, false, true, false);
        CategoryPlot plot = style(chart);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 100);
        plot.getRenderer().setSeriesPaint(0, ACTIVITY_COLORS[0]);
        return chart;
    }

    public static JFreeChart breakdown(RunStats run, String model) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (LayerStats l : shown(run)) {
            for (Activity a : Activity.values()) {
                d.addValue(l.breakdown().getOrDefault(a, 0L) / 1000.0, a.label(), l.name());
            }
        }
        JFreeChart chart = ChartFactory.createStackedBarChart(title("Cycles per layer by activity", model, run), "layer",
                "cycles (thousands)", d, PlotOrientation.VERTICAL, true, true, false);
        CategoryPlot plot = style(chart);
        for (Activity a : Activity.values()) {
            plot.getRenderer().setSeriesPaint(a.ordinal(), ACTIVITY_COLORS[a.ordinal()]);
        }
        ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(new DecimalFormat("#,##0"));
        return chart;
    }

    /** "What, model, on preset (RxC, G), ratio r". */
    static String title(String what, String model, RunStats run) {
        return what + " - " + model + " on " + run.config().name() + " (" + run.config().arrayRows() + "x" + run.config().arrayCols()
                + ", G = " + run.config().groupWidth() + "), 4-bit ratio " + run.profile();
    }

    private static CategoryPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0);
        CategoryAxis x = plot.getDomainAxis();
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        x.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, plot.getCategories().size() > 60 ? 7 : 10));
        x.setMaximumCategoryLabelWidthRatio(4f);
        return plot;
    }
}
