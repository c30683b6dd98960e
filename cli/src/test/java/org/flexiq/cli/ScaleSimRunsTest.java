package org.flexiq.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The reports SCALE-Sim v2 itself wrote for its shipped topologies (validation/scalesim-v2/runs), against ours for the
 * same config and topology: every layer, every column.
 */
class ScaleSimRunsTest {
    private static final Path V2 = Path.of("..", "validation", "scalesim-v2");

    @TempDir
    Path dir;

    static Stream<Arguments> runs() throws IOException {
        return Files.readAllLines(V2.resolve("runs/index.csv")).stream().skip(1).map(l -> l.split(","))
                .map(f -> Arguments.of(f[0], Integer.parseInt(f[1]), f[2]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void ourReportsAreScaleSimsOwn(String run, int array, String topology) throws IOException {
        Path cfg = dir.resolve("ws" + array + ".cfg");
        Files.writeString(cfg, Files.readString(V2.resolve("scale.cfg")).replace("Dataflow : os", "Dataflow : ws")
                .replaceAll("(?m)^ArrayHeight:.*$", "ArrayHeight: " + array).replaceAll("(?m)^ArrayWidth:.*$", "ArrayWidth: " + array));
        Path out = dir.resolve("out");
        SimCliTest.Result r = SimCliTest.sim("run", "--scalesim-cfg", cfg.toString(), "--topology", V2.resolve("topologies").resolve(topology)
                .toString(), "--ratio", "0", "--csv-scalesim", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path theirs = V2.resolve("runs").resolve(run);
        for (String report : List.of("BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")) {
            assertThat(Files.readString(out.resolve(report))).as(report).isEqualTo(Files.readString(theirs.resolve(report)));
        }
        List<String> ours = Files.readAllLines(out.resolve("COMPUTE_REPORT.csv"));
        List<String> expected = Files.readAllLines(theirs.resolve("COMPUTE_REPORT.csv"));
        assertThat(ours).hasSameSizeAs(expected);
        assertThat(ours.get(0)).startsWith(expected.get(0));
        for (int i = 1; i < ours.size(); i++) {
            String[] o = ours.get(i).split(", ");
            String[] e = expected.get(i).split(", ");
            assertThat(List.of(o).subList(0, 5)).as("layer " + (i - 1)).isEqualTo(List.of(e).subList(0, 5));
            assertThat(Double.parseDouble(o[5])).as("layer " + (i - 1) + " Compute Util %")
                    .isCloseTo(Double.parseDouble(e[5].replace(",", "")), within(1e-10));
        }
    }
}
