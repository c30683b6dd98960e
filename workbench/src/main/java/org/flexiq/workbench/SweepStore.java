package org.flexiq.workbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.SweepPoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep's folder: one JSON file per finished point under points/, renamed into place, so a rerun (or a run
 * after a kill) finds every finished point and never a half-written one.
 */
public final class SweepStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path points;

    public SweepStore(Path out) {
        this.points = out.resolve("points");
    }

    /** Creates points/ and removes what a killed run was writing (never a finished point). */
    public void open() throws IOException {
        Files.createDirectories(points);
        try (var stale = Files.list(points)) {
            for (Path p : stale.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.delete(p);
            }
        }
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
