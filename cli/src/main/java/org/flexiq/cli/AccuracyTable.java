package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.reports.TradeoffChart;
import org.flexiq.simulator.RunStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `sim accuracy --json` output read back, to pair each timed ratio with its measured accuracy. */
record AccuracyTable(String method, String extraction, String data, List<TradeoffChart.Point> points) {

    /**
     * The rows of the file's first selection method with the run's extraction, one per timed ratio (ratio 0:
     * the int8 accuracy); a ratio the file lacks is left out.
     */
    static AccuracyTable read(Path file, Extraction extraction, List<RunStats> runs) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ": not JSON (" + e.getOriginalMessage() + "); expected the output of sim accuracy --json");
        }
        JsonNode rows = root.get("rows");
        if (rows == null || !rows.isArray() || rows.isEmpty() || root.get("int8Top1") == null) {
            throw new BadInputException(file + ": rows / int8Top1: missing; expected the output of sim accuracy --json");
        }
        String method = rows.get(0).path("method").asText();
        List<TradeoffChart.Point> points = new ArrayList<>();
        for (RunStats r : runs) {
            double ratio = Double.parseDouble(r.profile());
            Double top1 = ratio == 0 ? root.get("int8Top1").asDouble() : null;
            for (JsonNode row : rows) {
                if (top1 == null && row.path("method").asText().equals(method) && Math.abs(row.path("ratio").asDouble() - ratio) < 1e-9
                        && Extraction.parse(row.path("extraction").asText()) == extraction) {
                    top1 = row.path("top1").asDouble();
                }
            }
            if (top1 != null) {
                points.add(new TradeoffChart.Point(ratio, r.latencyMicroseconds(), top1));
            }
        }
        if (points.isEmpty()) {
            throw new BadInputException(file + ": no accuracy row for the ratios run with " + extraction.id() + " extraction");
        }
        return new AccuracyTable(method, extraction.id(), root.path("data").asText(), points);
    }

    String series() {
        return method + " selection, " + extraction + " extraction, " + data;
    }
}
