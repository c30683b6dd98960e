package org.flexiq.workloads.scalesim;

import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.IndependentGemms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A SCALE-Sim v2 topology file, in either of its forms, read with SCALE-Sim's quirks: the first line is a
 * header; blank lines are skipped; fields are comma-separated with a trailing comma (empty trailing fields
 * are dropped); a conv row without "Stride width" uses its stride height; a conv layer whose name contains
 * {@code DP} is depthwise and becomes one single-channel layer per channel, named
 * {@code <name>Channel_<i>}, as SCALE-Sim expands it.
 * <ul>
 * <li>conv: {@code Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,}</li>
 * <li>GEMM: {@code Layer, M, N, K,}</li>
 * </ul>
 * The form is told by the header (a GEMM header's second to fourth fields are M, N and K).
 */
public record ScaleSimTopology(String name, Form form, List<TopologyLayer> layers) {
    public enum Form { CONV, GEMM }

    private static final String[] CONV_FIELDS = {"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels",
            "Num Filter", "Stride height", "Stride width"};
    private static final String[] GEMM_FIELDS = {"Layer", "M", "N", "K"};

    public ScaleSimTopology {
        layers = List.copyOf(layers);
    }

    public static ScaleSimTopology read(Path file) throws IOException {
        String base = file.getFileName().toString();
        int dot = base.lastIndexOf('.');
        return parse(file.toString(), dot > 0 ? base.substring(0, dot) : base, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** @param where the file, for messages */
    public static ScaleSimTopology parse(String where, String name, List<String> lines) {
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new TopologyFormatException(where + ": empty: expected a header line and one line per layer");
        }
        List<String> header = fields(lines.get(first));
        Form form = header.size() >= 4 && header.get(1).equalsIgnoreCase("M") && header.get(2).equalsIgnoreCase("N")
                && header.get(3).equalsIgnoreCase("K") ? Form.GEMM : Form.CONV;
        if (form == Form.CONV && (header.size() < 8 || !header.get(1).toLowerCase(Locale.ROOT).contains("ifmap"))) {
            throw new TopologyFormatException(where + ":" + (first + 1) + ": header: expected a conv header (" + String.join(", ", CONV_FIELDS)
                    + ") or a GEMM header (Layer, M, N, K), got '" + lines.get(first).strip() + "'");
        }
        List<TopologyLayer> layers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Row row = new Row(where, i + 1, fields(line), form == Form.GEMM ? GEMM_FIELDS : CONV_FIELDS);
            if (!names.add(row.name())) {
                throw new TopologyFormatException(where + ":" + (i + 1) + ": Layer name: '" + row.name() + "' is used by an earlier layer");
            }
            if (form == Form.GEMM) {
                int m = row.positive(1);
                int n = row.positive(2);
                int k = row.positive(3);
                layers.add(new TopologyLayer(row.name(), m, k, 1, k, 1, n, 1, 1));
            } else {
                layers.addAll(conv(row));
            }
        }
        if (layers.isEmpty()) {
            throw new TopologyFormatException(where + ": no layers after the header");
        }
        return new ScaleSimTopology(name, form, layers);
    }

    private static List<TopologyLayer> conv(Row row) {
        if (row.cells.size() < 8) {
            throw new TopologyFormatException(row.at() + ": expected at least 8 fields (" + String.join(", ", java.util.Arrays.copyOf(CONV_FIELDS, 8))
                    + "), got " + row.cells.size());
        }
        int h = row.positive(1);
        int w = row.positive(2);
        int fh = row.positive(3);
        int fw = row.positive(4);
        int c = row.positive(5);
        int f = row.positive(6);
        int sh = row.positive(7);
        int sw = row.cells.size() > 8 ? row.positive(8) : sh;
        if (fh > h) {
            throw new TopologyFormatException(row.at() + ": Filter Height: " + fh + " exceeds the IFMAP Height " + h);
        }
        if (fw > w) {
            throw new TopologyFormatException(row.at() + ": Filter Width: " + fw + " exceeds the IFMAP Width " + w);
        }
        if (!row.name().contains("DP")) {
            return List.of(new TopologyLayer(row.name(), h, w, fh, fw, c, f, sh, sw));
        }
        List<TopologyLayer> perChannel = new ArrayList<>(c);
        for (int i = 0; i < c; i++) {
            perChannel.add(new TopologyLayer(row.name() + "Channel_" + i, h, w, fh, fw, 1, f, sh, sw));
        }
        return perChannel;
    }

    /**
     * The layers as independent matrix products on their im2col operands, weights drawn from {@code seed}; a
     * layer can run at 4 bits when its K is a multiple of {@code groupWidth} ({@link IndependentGemms}).
     */
    public Model toModel(int groupWidth, long seed) {
        List<IndependentGemms.Gemm> gemms = layers.stream().map(l -> new IndependentGemms.Gemm(l.name(), l.m(), l.k(), l.n())).toList();
        return IndependentGemms.of(name, gemms, groupWidth, seed);
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        for (String s : line.split(",", -1)) {
            out.add(s.strip());
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private record Row(String file, int line, List<String> cells, String[] names) {
        String at() {
            return file + ":" + line;
        }

        String name() {
            if (cells.isEmpty() || cells.get(0).isEmpty()) {
                throw new TopologyFormatException(at() + ": " + names[0] + ": empty");
            }
            return cells.get(0);
        }

        int positive(int i) {
            if (i >= cells.size()) {
                throw new TopologyFormatException(at() + ": " + names[i] + ": missing (the line has " + cells.size() + " fields)");
            }
            String s = cells.get(i);
            try {
                int v = Integer.parseInt(s);
                if (v >= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TopologyFormatException(at() + ": " + names[i] + ": expected a positive integer, got '" + s + "'");
        }
    }
}
