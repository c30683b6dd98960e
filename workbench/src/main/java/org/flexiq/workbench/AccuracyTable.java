package org.flexiq.workbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.reports.SweepPoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Top-1 accuracy per 4-bit ratio of one selection method and extraction, read back from what {@code sim accuracy --json}
 * (rows) or {@code sim tradeoff --json} (series) wrote. Extractions match by meaning ("effective" is "static"). Ratio 0
 * runs every channel at 8 bits whatever the method and extraction, so the file's 8-bit top-1 stands for it where no row
 * gives it. One reader for {@code sim run --report --accuracy} and {@code sim serve --accuracy}.
 *
 * @param data the evaluation data the file names ("" when it names none)
 */
public record AccuracyTable(Path file, String method, String extraction, String data, Map<Double, Double> top1) {

    /** The file and the series read from it, for a line of output. */
    public String source() {
        return file + " (" + method + "/" + extraction + ")";
    }

    public double at(double ratio) {
        Double v = top1.get(ratio);
        if (v == null) {
            throw new BadInputException(source() + ": no accuracy at ratio " + SweepPoint.ratioText(ratio) + "; it has " + top1.keySet());
        }
        return v;
    }

    /** Every ratio a policy may choose must be in the table. */
    public void covers(List<Double> ratios) {
        for (double r : ratios) {
            at(r);
        }
    }

    /** @param series METHOD/EXTRACTION, or null for the file's first */
    public static AccuracyTable read(Path file, String series) {
        if (series == null) {
            return read(file, null, null);
        }
        int slash = series.lastIndexOf('/');
        if (slash <= 0 || slash == series.length() - 1) {
            throw new BadInputException("--accuracy-series: '" + series + "' is not METHOD/EXTRACTION (e.g. evolutionary/dynamic)");
        }
        return read(file, series.substring(0, slash), series.substring(slash + 1));
    }

    /**
     * @param method     a selection method, or null for the first in the file (with the asked extraction)
     * @param extraction an extraction, or null for the first row's
     */
    public static AccuracyTable read(Path file, String method, String extraction) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + "); expected the output of "
                    + "sim accuracy --json or sim tradeoff --json");
        }
        // every (method, extraction, ratio, top1) the file holds, in its order
        List<String[]> entries = new ArrayList<>();
        if (root != null && root.has("rows")) {
            for (JsonNode row : root.get("rows")) {
                entries.add(new String[]{row.path("method").asText(), row.path("extraction").asText(), row.path("ratio").asText(),
                        row.path("top1").asText()});
            }
        } else if (root != null && root.has("series")) {
            for (JsonNode s : root.get("series")) {
                for (int i = 0; i < s.path("ratios").size(); i++) {
                    entries.add(new String[]{s.path("method").asText(), s.path("extraction").asText(), s.get("ratios").get(i).asText(),
                            s.path("top1").path(i).asText()});
                }
            }
        } else {
            throw new BadInputException(file + ": field 'rows' or 'series': missing; expected the output of sim accuracy --json or sim tradeoff --json");
        }
        String wantExtraction = extraction == null ? null : normalized(extraction);
        String wantMethod = method;
        Set<String> seen = new LinkedHashSet<>();
        Map<Double, Double> top1 = new TreeMap<>();
        for (String[] e : entries) {
            String x = normalized(e[1]);
            seen.add(e[0] + "/" + x);
            if (wantExtraction != null && !x.equals(wantExtraction) || wantMethod != null && !e[0].equals(wantMethod)) {
                continue;
            }
            // the first row that fits names what was left open
            wantMethod = e[0];
            wantExtraction = x;
            top1.put(number(file, e[2]), number(file, e[3]));
        }
        if (top1.isEmpty()) {
            throw new BadInputException(file + ": rows: none for " + (method == null ? "any method" : method) + "/"
                    + (extraction == null ? "any extraction" : extraction) + "; it has " + (seen.isEmpty() ? "none" : String.join(", ", seen)));
        }
        JsonNode int8 = root.get("int8Top1");
        if (int8 != null && int8.isNumber()) {
            top1.putIfAbsent(0.0, int8.asDouble());
        }
        return new AccuracyTable(file, wantMethod, wantExtraction, root.path("data").asText(), top1);
    }

    /** An extraction's id when it names one ("effective" is "static"), else the text as written. */
    private static String normalized(String extraction) {
        try {
            return Extraction.parse(extraction).id();
        } catch (IllegalArgumentException e) {
            return extraction;
        }
    }

    private static double number(Path file, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadInputException(file + ": ratio / top1: '" + text + "' is not a number");
        }
    }
}
