package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

class SweepCliTest {
    private static final String[] SWEEP = {"sweep", "mlp", "--npu", "gemmini-like", "--array", "4x4,8x8,16x8", "--group", "8,12,16",
            "--ratio", "0,0.5,1"};

    private static String[] args(Path out, String... more) {
        String[] a = java.util.Arrays.copyOf(SWEEP, SWEEP.length + 2 + more.length);
        a[SWEEP.length] = "--out";
        a[SWEEP.length + 1] = out.toString();
        System.arraycopy(more, 0, a, SWEEP.length + 2, more.length);
        return a;
    }

    @Test
    void aSweepSavesEveryPointRecordsInfeasibleOnesAndResumes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("sweep");
        SimCliTest.Result r = sim(args(out));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("27 points (3 arrays x 3 group widths x 3 ratios), 0 already in");
        assertThat(r.err()).isEmpty(); // no progress line when not on a terminal
        try (var files = Files.list(out.resolve("points"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".json")).count()).isEqualTo(27);
        }
        JsonNode points = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertThat(points).hasSize(27);
        // deterministic order: arrays, then group widths, then ratios, as given
        assertThat(points.get(0).get("rows").asInt()).isEqualTo(4);
        assertThat(points.get(1).get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(points.get(3).get("group").asInt()).isEqualTo(12);
        // G = 12 on a 4x4 array: not a divisor or multiple of its 8 int4 lanes; on the others mlp's 784 inputs are not a multiple
        JsonNode g12 = points.get(3);
        assertThat(g12.get("status").asText()).isEqualTo("infeasible");
        assertThat(g12.get("reason").asText()).contains("groupWidth 12");
        assertThat(points.get(12).get("status").asText()).isEqualTo("infeasible");
        assertThat(points.get(12).get("reason").asText()).contains("not a multiple of the group width 12");
        JsonNode ok = points.get(1);
        assertThat(ok.get("status").asText()).isEqualTo("ok");
        assertThat(ok.get("cycles").asLong()).isPositive();
        assertThat(ok.get("speedup").asDouble()).isEqualTo(points.get(0).get("cycles").asDouble() / ok.get("cycles").asDouble());
        String csv = Files.readString(out.resolve("sweep.csv"));
        assertThat(csv.split("\n")).hasSize(28);
        assertThat(Files.readString(out.resolve("report.html"))).contains("<img", "Speedup", "infeasible");

        // a rerun computes nothing and changes no point; a lost point (an interrupted run) is computed again
        Path one = out.resolve("points").resolve("8x8-g16-r0.5.json");
        byte[] before = Files.readAllBytes(one);
        Path kept = out.resolve("points").resolve("4x4-g8-r1.json");
        Files.setLastModifiedTime(kept, FileTime.fromMillis(0));
        Files.delete(one);
        Path partial = out.resolve("points").resolve(".8x8-g16-r0.5.json.123.tmp"); // what a killed run leaves
        Files.writeString(partial, "{\"mod");
        r = sim(args(out, "--threads", "1"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("26 already in");
        assertThat(Files.readAllBytes(one)).isEqualTo(before);
        assertThat(Files.exists(partial)).isFalse();
        assertThat(Files.getLastModifiedTime(kept).toMillis()).isZero();
        assertThat(Files.readString(out.resolve("sweep.csv"))).isEqualTo(csv);

        // the same sweep from scratch on one thread gives the same bytes; sim report redraws them
        Path again = dir.resolve("again");
        assertThat(sim(args(again, "--threads", "1")).code()).isZero();
        assertThat(Files.readString(again.resolve("sweep.csv"))).isEqualTo(csv);
        Files.delete(again.resolve("sweep.csv"));
        r = sim("report", again.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(again.resolve("sweep.csv"))).isEqualTo(csv);
        assertThat(Files.exists(again.resolve("charts").resolve("speedup-heatmap-r1.png"))).isTrue();
    }

    @Test
    void theCycleEngineSweepsToTheSameCycles(@TempDir Path dir) throws IOException {
        String[] common = {"sweep", "mlp", "--npu", "gemmini-like", "--array", "8x8,16x4", "--group", "16", "--ratio", "0,1", "--out"};
        String[] fast = java.util.Arrays.copyOf(common, common.length + 1);
        fast[common.length] = dir.resolve("fast").toString();
        String[] cycle = java.util.Arrays.copyOf(common, common.length + 3);
        cycle[common.length] = dir.resolve("cycle").toString();
        cycle[common.length + 1] = "--engine";
        cycle[common.length + 2] = "cycle";
        assertThat(sim(fast).code()).isZero();
        assertThat(sim(cycle).code()).isZero();
        assertThat(Files.readString(dir.resolve("cycle").resolve("sweep.csv"))).isEqualTo(Files.readString(dir.resolve("fast").resolve("sweep.csv")));
    }

    @Test
    void aRatioFloorSweepTimesTheFloorProgramsOverTheFullProgramsRatio0(@TempDir Path dir) throws IOException {
        String[] floorSweep = {"sweep", "mlp", "--npu", "gemmini-like", "--array", "8x8,16x4", "--group", "16", "--min-ratio", "0.5", "--out",
                dir.resolve("floor").toString()};
        SimCliTest.Result r = sim(floorSweep);
        assertThat(r.code()).as(r.err()).isZero();
        // the default ratios from the floor up
        assertThat(r.out()).contains("6 points (2 arrays x 1 group widths x 3 ratios)");
        JsonNode points = new ObjectMapper().readTree(dir.resolve("floor").resolve("sweep.json").toFile());
        assertThat(sim("sweep", "mlp", "--npu", "gemmini-like", "--array", "8x8,16x4", "--group", "16", "--ratio", "0.5,0.75,1", "--out",
                dir.resolve("full").toString()).code()).isZero();
        JsonNode full = new ObjectMapper().readTree(dir.resolve("full").resolve("sweep.json").toFile());
        for (int a = 0; a < 2; a++) {
            String array = a == 0 ? "8x8" : "16x4";
            Path json = dir.resolve("run-" + array + ".json");
            SimCliTest.Result run = sim("run", "mlp", "--npu", "gemmini-like", "--array", array, "--group", "16", "--ratio", "0.5,0.75,1",
                    "--min-ratio", "0.5", "--no-check", "--json", json.toString());
            assertThat(run.code()).as(run.err()).isZero();
            JsonNode runs = new ObjectMapper().readTree(json.toFile());
            assertThat(runs.get("minRatio").asDouble()).isEqualTo(0.5);
            for (int i = 0; i < 3; i++) {
                JsonNode p = points.get(3 * a + i);
                assertThat(p.get("rows").asInt() + "x" + p.get("cols").asInt()).isEqualTo(array);
                assertThat(p.get("minRatio").asDouble()).isEqualTo(0.5);
                // sim run's floor program, cycle for cycle, and the speed-up over the full program's 8-bit run
                assertThat(p.get("cycles").asLong()).isEqualTo(runs.get("runs").get(i).get("cycles").asLong());
                assertThat(p.get("speedup").asDouble()).isEqualTo(runs.get("ratio0Cycles").asDouble() / p.get("cycles").asDouble());
                // the weights 4-bit at the floor travel as packed codes: fewer DRAM bytes than the program that serves every ratio
                assertThat(p.get("dramBytes").asLong()).isLessThan(full.get(3 * a + i).get("dramBytes").asLong());
            }
        }
        assertThat(Files.readString(dir.resolve("floor").resolve("sweep.csv")).split("\n")[1]).endsWith(",0.5,1");
        // the cycle engine steps the floor programs to the same cycles
        String[] cycle = java.util.Arrays.copyOf(floorSweep, floorSweep.length + 2);
        cycle[floorSweep.length - 1] = dir.resolve("cycle").toString();
        cycle[floorSweep.length] = "--engine";
        cycle[floorSweep.length + 1] = "cycle";
        assertThat(sim(cycle).code()).isZero();
        assertThat(Files.readString(dir.resolve("cycle").resolve("sweep.csv"))).isEqualTo(Files.readString(dir.resolve("floor").resolve("sweep.csv")));

        // a folder keeps one plan: the same sweep without the floor is refused, naming the field, and writes nothing
        long before;
        try (var files = Files.list(dir.resolve("floor").resolve("points"))) {
            before = files.count();
        }
        SimCliTest.Result other = sim("sweep", "mlp", "--npu", "gemmini-like", "--array", "32x32", "--group", "16", "--ratio", "0.5", "--out",
                dir.resolve("floor").toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("plan.json: the points in", "were timed with minRatio 0.5 (this run: 0.0)");
        try (var files = Files.list(dir.resolve("floor").resolve("points"))) {
            assertThat(files.count()).isEqualTo(before);
        }
        SimCliTest.Result below = sim("sweep", "mlp", "--array", "8x8", "--ratio", "0,0.5", "--min-ratio", "0.5", "--out", dir.resolve("below").toString());
        assertThat(below.code()).isEqualTo(2);
        assertThat(below.err()).contains("--ratio 0: below --min-ratio 0.5");
        assertThat(Files.exists(dir.resolve("below"))).isFalse();
    }

    /**
     * A sweep at a batch: every point is sim run --batch's batch program, cycle for cycle, over the same batch's 8-bit run; the
     * CSV says the batch, and a folder swept at one batch refuses another.
     */
    @Test
    void aBatchSweepTimesTheBatchedPrograms(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("b4");
        SimCliTest.Result r = sim("sweep", "mlp", "--array", "8x8,16x16", "--group", "16", "--ratio", "0,1", "--batch", "4", "--no-cluster", "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode points = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        for (int a = 0; a < 2; a++) {
            String array = a == 0 ? "8x8" : "16x16";
            Path json = dir.resolve("run-" + array + ".json");
            SimCliTest.Result run = sim("run", "mlp", "--array", array, "--group", "16", "--ratio", "0,1", "--batch", "4", "--no-check", "--json",
                    json.toString());
            assertThat(run.code()).as(run.err()).isZero();
            JsonNode runs = new ObjectMapper().readTree(json.toFile());
            for (int i = 0; i < 2; i++) {
                JsonNode p = points.get(2 * a + i);
                assertThat(p.get("batch").asInt()).isEqualTo(4);
                assertThat(p.get("cycles").asLong()).isEqualTo(runs.get("runs").get(i).get("cycles").asLong());
                assertThat(p.get("speedup").asDouble()).isEqualTo(runs.get("ratio0Cycles").asDouble() / p.get("cycles").asDouble());
            }
        }
        assertThat(Files.readString(out.resolve("sweep.csv")).split("\n")[1]).endsWith(",0,4");
        assertThat(Files.readString(out.resolve("report.html"))).contains("Programs compiled for 4 images per run (--batch)");
        SimCliTest.Result other = sim("sweep", "mlp", "--array", "8x8", "--group", "16", "--ratio", "0,1", "--no-cluster", "--out", out.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("were timed with batch 4");
        SimCliTest.Result zero = sim("sweep", "mlp", "--array", "8x8", "--batch", "0", "--out", dir.resolve("zero").toString());
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--batch 0: expected an image count in [1, 1024]");
        assertThat(dir.resolve("zero")).doesNotExist();
    }

    @Test
    void badSweepInputExitsTwo(@TempDir Path dir) {
        assertThat(sim("sweep", "mlp", "--array", "8by8", "--out", dir.toString()).err()).contains("--array: '8by8' is not ROWSxCOLS");
        assertThat(sim("sweep", "mlp", "--array", "8x8", "--group", "0", "--out", dir.toString()).err())
                .contains("--group: '0' is not a positive integer");
        SimCliTest.Result r = sim("sweep", "mlp", "--array", "8x8", "--ratio", "1.5", "--out", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--ratio: '1.5' is not a ratio in [0, 1]");
        assertThat(sim("report", dir.resolve("none").toString()).code()).isEqualTo(2);
    }

    @Test
    void progressShowsPointsRateAndTimeLeft() {
        StringWriter w = new StringWriter();
        Progress p = new Progress(new PrintWriter(w), "sweep", 250, true);
        assertThat(p.line(50, 250, 10, 0)).isEqualTo("sweep: 50/250 points, 5.0 points/s, 40 s left   ");
        assertThat(p.line(50, 250, 10, 3)).isEqualTo("sweep: 50/250 points, 3 members, 5.0 points/s, 40 s left   ");
        p.advance(250);
        p.finish();
        assertThat(w.toString()).startsWith("\rsweep: 250/250 points").endsWith(System.lineSeparator());
        StringWriter quiet = new StringWriter();
        Progress q = new Progress(new PrintWriter(quiet), "sweep", 3, false);
        q.advance(3);
        q.finish();
        assertThat(quiet.toString()).isEmpty();
    }
}
