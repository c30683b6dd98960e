package org.flexiq.reports;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Charts as files: PNG and SVG at 1200 x 800, each written atomically ({@link AtomicFiles}). */
public final class ChartFiles {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 800;

    private ChartFiles() {
    }

    public static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding into memory failed", e);
        }
    }

    public static String svg(JFreeChart chart) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        g.setDefsKeyPrefix("chart"); // its default is time-based: the same chart must give the same bytes
        chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return g.getSVGDocument();
    }

    /** Writes {@code dir/name.png} and {@code dir/name.svg}; returns the PNG bytes (for embedding). */
    public static byte[] write(Path dir, String name, JFreeChart chart) throws IOException {
        byte[] png = png(chart);
        AtomicFiles.write(dir.resolve(name + ".png"), png);
        AtomicFiles.write(dir.resolve(name + ".svg"), svg(chart).getBytes(StandardCharsets.UTF_8));
        return png;
    }
}
