package org.flexiq.reports;

import org.flexiq.simulator.energy.AreaItem;
import org.flexiq.simulator.energy.EnergyComponent;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The energy and area part of a run report: per-ratio figures, the split by component (table and chart), the area. */
public final class EnergySection {
    private static final Color[] COLORS = {new Color(0x1b7837), new Color(0x7fbf7b), new Color(0x5aae61), new Color(0xef8a62),
            new Color(0x2166ac), new Color(0x92c5de), new Color(0xb2182b), new Color(0xfddbc7), new Color(0x999999)};

    private EnergySection() {
    }

    /**
     * The figures of one run in a row: energy, pJ/MAC, TOPS/W, power, EDP, TOPS/mm², and, when {@code int8Base} is
     * given, the gains over the same array of plain int8 PEs.
     */
    public static List<String> figures(EnergyReport e, EnergyReport int8Base) {
        List<String> row = new ArrayList<>(List.of(e.run().profile(), String.format(Locale.ROOT, "%.2f uJ", e.totalPj() / 1e6),
                String.format(Locale.ROOT, "%.3f", e.pjPerMac()), String.format(Locale.ROOT, "%.3f", e.topsPerWatt()),
                String.format(Locale.ROOT, "%.1f mW", e.powerMw()), String.format(Locale.ROOT, "%.4g", e.energyDelayPjS()),
                String.format(Locale.ROOT, "%.4f", e.topsPerMm2())));
        if (int8Base != null) {
            double speedup = int8Base.run().cycles() / (double) e.run().cycles();
            row.add(String.format(Locale.ROOT, "%.3fx", speedup * int8Base.areaMm2() / e.areaMm2()));
            row.add(String.format(Locale.ROOT, "%.3fx", int8Base.totalPj() / e.totalPj()));
        }
        return row;
    }

    public static List<String> headers(boolean int8Comparison) {
        List<String> h = new ArrayList<>(List.of("4-bit ratio", "energy per inference", "pJ per MAC", "TOPS/W", "average power",
                "energy x delay (pJ s)", "TOPS/mm2"));
        if (int8Comparison) {
            h.addAll(List.of("perf/area over int8 PEs", "energy gain over int8 PEs"));
        }
        return h;
    }

    public static void add(HtmlReport page, Path charts, String model, List<EnergyReport> energies, EnergyReport int8Base) throws IOException {
        EnergyTable t = energies.get(0).table();
        page.heading("Energy and area");
        page.paragraph("Energy = the counted events times " + t.source() + " (simulator/README.md, \"Energy and area\", cites every "
                + "parameter). " + (int8Base == null ? "No plain-int8 comparison: the ART prices one PE type." : "The int8-PE columns "
                + "compare with the same array built of plain int8 PEs (no 4-bit lanes: it runs every ratio as ratio 0): "
                + String.format(Locale.ROOT, "%.2f uJ per inference on %.3f mm2", int8Base.totalPj() / 1e6, int8Base.areaMm2()) + "."));
        List<List<String>> rows = new ArrayList<>();
        for (EnergyReport e : energies) {
            rows.add(figures(e, int8Base));
        }
        page.table(headers(int8Base != null), rows);
        List<String> headers = new ArrayList<>(List.of("4-bit ratio"));
        for (EnergyComponent c : EnergyComponent.values()) {
            headers.add(c.label());
        }
        List<List<String>> split = new ArrayList<>();
        for (EnergyReport e : energies) {
            List<String> row = new ArrayList<>(List.of(e.run().profile()));
            e.byComponent().forEach((c, v) -> row.add(String.format(Locale.ROOT, "%.2f uJ (%.1f%%)", v / 1e6, 100 * v / e.totalPj())));
            split.add(row);
        }
        page.table(headers, split);
        page.chart("Energy per inference by component", ChartFiles.write(charts, "energy-by-component", byComponent(model, energies)),
                "charts/energy-by-component");
        List<List<String>> area = new ArrayList<>();
        for (AreaItem i : AreaItem.values()) {
            area.add(List.of(i.label() + (i == AreaItem.PE ? " array (" + t.pe().id() + ")" : ""), String.format(Locale.ROOT, "%.4f", t.mm2(i)),
                    String.format(Locale.ROOT, "%.1f%%", 100 * t.mm2(i) / t.totalMm2())));
        }
        area.add(List.of("total", String.format(Locale.ROOT, "%.4f", t.totalMm2()), "100%"));
        page.table(List.of("area", "mm2", "share"), area);
    }

    /** One stacked bar per ratio, uJ per component. */
    public static JFreeChart byComponent(String model, List<EnergyReport> energies) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (EnergyReport e : energies) {
            e.byComponent().forEach((c, v) -> d.addValue(v / 1e6, c.label(), e.run().profile()));
        }
        JFreeChart chart = ChartFactory.createStackedBarChart("Energy per inference by component - " + model + " on "
                + energies.get(0).run().config().name(), "4-bit ratio", "energy (uJ per inference)", d, PlotOrientation.VERTICAL, true, true, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        for (int i = 0; i < COLORS.length; i++) {
            r.setSeriesPaint(i, COLORS[i]);
        }
        return chart;
    }
}
