package org.flexiq.workbench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.workbench.BadInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Top-1 accuracy per 4-bit ratio, read from what {@code sim accuracy --json} or {@code sim tradeoff --json} wrote: the
 * rows (or series) of one selection method and extraction, by default the first listed.
 */
public record AccuracyTable(String source, Map<Double, Double> top1) {

    public double at(double ratio) {
        Double v = top1.get(ratio);
        if (v == null) {
            throw new BadInputException(source + ": no accuracy at ratio " + org.flexiq.reports.SweepPoint.ratioText(ratio) + "; it has " + top1.keySet());
        }
        return v;
    }

    /** Every ratio a policy may choose must be in the table. */
    public void covers(List<Double> ratios) {
        for (double r : ratios) {
            at(r);
        }
    }

    /** @param series METHOD/EXTRACTION, or null for the first */
    public static AccuracyTable read(Path file, String series) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not readable JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Map<Double, Double> top1 = new TreeMap<>();
        String want = series;
        if (root != null && root.has("rows")) {
            for (JsonNode row : root.get("rows")) {
                String key = row.path("method").asText() + "/" + row.path("extraction").asText();
                want = want == null ? key : want;
                if (key.equals(want)) {
                    top1.put(row.path("ratio").asDouble(), row.path("top1").asDouble());
                }
            }
        } else if (root != null && root.has("series")) {
            for (JsonNode s : root.get("series")) {
                String key = s.path("method").asText() + "/" + s.path("extraction").asText();
                want = want == null ? key : want;
                if (key.equals(want)) {
                    for (int i = 0; i < s.path("ratios").size(); i++) {
                        top1.put(s.get("ratios").get(i).asDouble(), s.get("top1").get(i).asDouble());
                    }
                }
            }
        } else {
            throw new BadInputException(file + ": field 'rows' or 'series': expected the JSON of sim accuracy --json or sim tradeoff --json");
        }
        if (top1.isEmpty()) {
            throw new BadInputException(file + ": no rows for " + (series == null ? "any method" : series));
        }
        return new AccuracyTable(file + " (" + want + ")", top1);
    }
}
