package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.reports.SweepPoint;
import org.flexiq.reports.SweepReportPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Redraws a sweep's charts, CSV and report.html from its saved results (DIR/sweep.json).")
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A folder written by sim sweep.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path json = dir.resolve("sweep.json");
        if (!Files.exists(json)) {
            throw new NoSuchFileException(json.toString(), null, "no sweep results here; run sim sweep ... --out " + dir);
        }
        List<SweepPoint> points;
        try {
            points = Arrays.asList(new ObjectMapper().readValue(json.toFile(), SweepPoint[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(json + ": not a sweep's results (" + e.getOriginalMessage() + ")");
        }
        if (points.isEmpty()) {
            throw new BadInputException(json + ": no points");
        }
        SweepReportPage.write(dir, points);
        spec.commandLine().getOut().println("redrew " + points.size() + " points: " + dir.resolve("report.html"));
        return Sim.OK;
    }
}
