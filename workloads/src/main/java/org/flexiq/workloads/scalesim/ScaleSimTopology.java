package org.flexiq.workloads.scalesim;

import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.IndependentGemms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A SCALE-Sim v2 topology file, in either of its forms, read as SCALE-Sim's {@code topology_utils} reads it, quirks
 * included: the first line is the header whatever it holds; blank lines are skipped; a row is split at commas and what
 * follows its last comma is dropped (a row needs its trailing comma, and a comment after it is ignored); a conv row
 * without "Stride width" uses its stride height, and every field of a conv row must be an integer; a GEMM row's fields
 * after K are ignored; a conv layer whose name contains {@code DP} is depthwise and becomes one single-channel layer
 * per channel, named {@code <name>Channel_<i>}. A repeated name is kept, numbered ({@code name#2}). Where SCALE-Sim
 * itself fails on a row (a missing field, a field that is not an integer), one line says why.
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
        if (lines.isEmpty()) {
            throw new TopologyFormatException(where + ": empty: expected a header line and one line per layer");
        }
        if (lines.get(0).isBlank()) {
            // SCALE-Sim skips the first line whatever it holds, and would read the header as a layer
            throw new TopologyFormatException(where + ":1: header: blank; SCALE-Sim takes the first line as the header");
        }
        List<String> header = fields(lines.get(0));
        Form form = header.size() >= 4 && header.get(1).equalsIgnoreCase("M") && header.get(2).equalsIgnoreCase("N")
                && header.get(3).equalsIgnoreCase("K") ? Form.GEMM : Form.CONV;
        if (form == Form.CONV && (header.size() < 8 || !header.get(1).toLowerCase(Locale.ROOT).contains("ifmap"))) {
            throw new TopologyFormatException(where + ":1: header: expected a conv header (" + String.join(", ", CONV_FIELDS)
                    + ") or a GEMM header (Layer, M, N, K), got '" + lines.get(0).strip() + "'");
        }
        List<TopologyLayer> layers = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Row row = new Row(where, i + 1, scalesimFields(line), line.endsWith(","), form == Form.GEMM ? GEMM_FIELDS : CONV_FIELDS);
            for (TopologyLayer l : form == Form.GEMM ? List.of(gemm(row)) : conv(row)) {
                // SCALE-Sim keeps repeated names; our layers are graph nodes, so a repeat gets its occurrence number
                int k = seen.merge(l.name(), 1, Integer::sum);
                layers.add(k == 1 ? l : new TopologyLayer(l.name() + "#" + k, l.ifmapH(), l.ifmapW(), l.filterH(), l.filterW(), l.channels(),
                        l.filters(), l.strideH(), l.strideW()));
            }
        }
        if (layers.isEmpty()) {
            throw new TopologyFormatException(where + ": no layers after the header");
        }
        return new ScaleSimTopology(name, form, layers);
    }

    /** The most layers one depthwise row may expand to (SCALE-Sim makes them all, whatever their number). */
    private static final int MAX_DEPTHWISE_CHANNELS = 1 << 16;

    /** The most elements one of our tensors holds (a Java array's limit). */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * Refuses, naming the file and the layer, a topology whose layer has an operand (M x K im2col rows, K x N weights,
     * M x N outputs, the input map) past what one of our tensors holds. SCALE-Sim reads such a file (its operands are
     * address ranges), so parsing accepts it; running it here needs tensors.
     */
    public void requireTensorSized(String where) {
        for (TopologyLayer l : layers) {
            long m = (long) l.ofmapH() * l.ofmapW();
            long k = (long) l.filterH() * l.filterW() * l.channels();
            long n = l.n();
            long biggest = Math.max(Math.max(m * k, k * n), Math.max(m * n, (long) l.ifmapH() * l.ifmapW() * l.channels()));
            if (biggest > MAX_ELEMENTS) {
                throw new TopologyFormatException(where + ": layer " + l.name() + ": its operands (M = " + m + " output pixels, K = " + k
                        + ", N = " + n + ") hold up to " + biggest + " elements, past the " + MAX_ELEMENTS + " a tensor holds here");
            }
        }
    }

    /** A GEMM row as SCALE-Sim's load_arrays_gemm takes it: name, M, N, K; anything after K is ignored. */
    private static TopologyLayer gemm(Row row) {
        row.require(4);
        int m = row.positive(1);
        int n = row.positive(2);
        int k = row.positive(3);
        return new TopologyLayer(row.name(), m, k, 1, k, 1, n, 1, 1);
    }

    /**
     * A conv row as SCALE-Sim's load_arrays_conv and append_topo_arrays take it: seven numbers after the name, an eighth
     * for the stride width (else the stride height is used), every further field an integer too (SCALE-Sim converts
     * them all), and a name holding "DP" split per channel.
     */
    private static List<TopologyLayer> conv(Row row) {
        row.require(8);
        int h = row.positive(1);
        int w = row.positive(2);
        int fh = row.positive(3);
        int fw = row.positive(4);
        int c = row.positive(5);
        int f = row.positive(6);
        int sh = row.positive(7);
        int sw = row.cells.size() > 8 ? row.positive(8) : sh;
        for (int i = 9; i < row.cells.size(); i++) {
            row.integer(i);
        }
        if (fh > h) {
            throw new TopologyFormatException(row.at() + ": Filter Height: " + fh + " exceeds the IFMAP Height " + h);
        }
        if (fw > w) {
            throw new TopologyFormatException(row.at() + ": Filter Width: " + fw + " exceeds the IFMAP Width " + w);
        }
        if (!row.name().contains("DP")) {
            return List.of(new TopologyLayer(row.name(), h, w, fh, fw, c, f, sh, sw));
        }
        if (c > MAX_DEPTHWISE_CHANNELS) {
            throw new TopologyFormatException(row.at() + ": Channels: " + c + ": a depthwise (DP) row becomes one layer per channel, and "
                    + MAX_DEPTHWISE_CHANNELS + " is the most this reads");
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

    /** The header's fields, stripped, empty trailing ones dropped: only to tell the form. */
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

    /** A row's fields as SCALE-Sim splits them, {@code row.split(',')[:-1]}: what follows the last comma is dropped. */
    private static List<String> scalesimFields(String line) {
        String[] parts = line.split(",", -1);
        List<String> out = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length - 1; i++) {
            out.add(parts[i].strip());
        }
        return out;
    }

    private record Row(String file, int line, List<String> cells, boolean trailingComma, String[] names) {
        String at() {
            return file + ":" + line;
        }

        String name() {
            if (cells.isEmpty() || cells.get(0).isEmpty()) {
                throw new TopologyFormatException(at() + ": " + names[0] + ": empty");
            }
            return cells.get(0);
        }

        /** At least n fields, saying why when a missing trailing comma cost SCALE-Sim the last one. */
        void require(int n) {
            if (cells.size() < n) {
                throw new TopologyFormatException(at() + ": " + names[Math.min(cells.size(), names.length - 1)] + ": missing (expected at least "
                        + n + " fields: " + String.join(", ", java.util.Arrays.copyOf(names, n)) + "; the line has " + cells.size()
                        + (trailingComma ? ")" : " as SCALE-Sim reads it, which drops what follows the last comma: end the line with a comma)"));
            }
        }

        int positive(int i) {
            int v = integer(i);
            if (v >= 1) {
                return v;
            }
            throw new TopologyFormatException(at() + ": " + names[i] + ": expected a positive integer, got '" + cells.get(i) + "'");
        }

        /** Field i as Python's int() reads it; SCALE-Sim fails on anything else. */
        int integer(int i) {
            String s = cells.get(i);
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                String what = i < names.length ? names[i] : "field " + (i + 1);
                throw new TopologyFormatException(at() + ": " + what + ": expected " + (i < names.length ? "a positive integer" : "an integer "
                        + "(SCALE-Sim converts every field of a conv row)") + ", got '" + s + "'");
            }
        }
    }
}
