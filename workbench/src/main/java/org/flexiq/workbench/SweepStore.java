package org.flexiq.workbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.SweepPoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep's folder: one JSON file per finished point under points/, renamed into place, so a rerun (or a run
 * after a kill) finds every finished point and never a half-written one. DIR/plan.json holds what every point in it was
 * timed with (the model, NPU config, engine, extraction, seed, energy parameters and ratio floor): a rerun may add arrays,
 * group widths and ratios, but one that would time its points otherwise is refused, naming the first field that differs,
 * so a folder never mixes two machines' points.
 */
public final class SweepStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Path points;

    public SweepStore(Path out) {
        this.dir = out;
        this.points = out.resolve("points");
    }

    /**
     * Creates points/ and removes what a killed run was writing (never a finished point); checks the plan against the
     * folder's plan.json, or writes it. A folder from before plan.json existed is taken as the plan's.
     */
    public void open(SweepPlan plan) throws IOException {
        Path manifest = dir.resolve("plan.json");
        JsonNode mine = identity(plan);
        if (Files.exists(manifest)) {
            JsonNode theirs;
            try {
                theirs = JSON.readTree(manifest.toFile());
            } catch (IOException e) {
                throw new BadInputException(manifest + ": not a sweep plan (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            String diff = firstDifference("", theirs, mine);
            if (diff != null) {
                throw new BadInputException(manifest + ": the points in " + dir + " were timed with " + diff
                        + "; give another --out, or the options of that sweep");
            }
        }
        Files.createDirectories(points);
        try (var stale = Files.list(points)) {
            for (Path p : stale.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.delete(p);
            }
        }
        if (!Files.exists(manifest)) {
            AtomicFiles.write(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(mine) + "\n");
        }
    }

    /** What a point's values depend on besides its array, group width and ratio. */
    private static JsonNode identity(SweepPlan plan) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model", plan.model());
        n.set("npu", JSON.valueToTree(plan.preset()));
        n.put("engine", plan.engine().id());
        n.put("extraction", plan.extraction().id());
        n.put("seed", plan.seed());
        n.set("energy", JSON.valueToTree(plan.energy()));
        n.put("minRatio", plan.minRatio());
        if (plan.batch() > 1) {
            // absent for one image: folders swept before batches existed keep their plan
            n.put("batch", plan.batch());
        }
        return n;
    }

    /** "FIELD OLD (this run: NEW)" for the first field, depth first, where the two differ; null where they are equal. */
    private static String firstDifference(String path, JsonNode theirs, JsonNode mine) {
        if (theirs.isObject() && mine.isObject()) {
            var names = new java.util.LinkedHashSet<String>();
            theirs.fieldNames().forEachRemaining(names::add);
            mine.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                String d = firstDifference(path.isEmpty() ? f : path + "." + f, theirs.path(f), mine.path(f));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        // numbers compare by value: 1 and 1.0 are one ratio
        boolean same = theirs.isNumber() && mine.isNumber() ? theirs.decimalValue().compareTo(mine.decimalValue()) == 0 : theirs.equals(mine);
        return same ? null : path + " " + text(theirs) + " (this run: " + text(mine) + ")";
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() ? "unset" : n.isTextual() ? "'" + n.asText() + "'" : n.toString();
    }

    public Path file(SweepUnit u, double ratio) {
        return points.resolve(SweepPoint.key(u.rows(), u.cols(), u.group(), ratio) + ".json");
    }

    public boolean has(SweepUnit u, double ratio) {
        return Files.exists(file(u, ratio));
    }

    public void save(SweepPoint s) throws IOException {
        AtomicFiles.write(file(new SweepUnit(s.rows(), s.cols(), s.group()), s.ratio()), JSON.writeValueAsString(s));
    }

    /** Every point of the plan, in plan order (units, then ratios); all must be saved. */
    public List<SweepPoint> load(SweepPlan plan) throws IOException {
        List<SweepPoint> all = new ArrayList<>();
        for (SweepUnit u : plan.units()) {
            for (double r : plan.ratios()) {
                all.add(JSON.readValue(file(u, r).toFile(), SweepPoint.class));
            }
        }
        return all;
    }
}
