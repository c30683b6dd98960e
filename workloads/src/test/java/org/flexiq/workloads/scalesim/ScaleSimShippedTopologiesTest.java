package org.flexiq.workloads.scalesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every topology file SCALE-Sim v2 ships, read by us and by SCALE-Sim's own loader (validation/scalesim-v2/
 * expected-parse.json, written by tools/scalesim_parse.py from its topology_utils): where SCALE-Sim reads a file, we
 * read the same layers, field by field; where it fails, we refuse the file in one line naming the file and line.
 */
class ScaleSimShippedTopologiesTest {
    private static final Path DIR = Path.of("..", "validation", "scalesim-v2");

    @Test
    void everyShippedTopologyParsesAsScaleSimParsesIt() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(DIR.resolve("expected-parse.json").toFile());
        int parsed = 0;
        int refused = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path file = DIR.resolve("topologies").resolve(e.getKey());
            JsonNode want = e.getValue();
            if (want.has("error")) {
                assertThatThrownBy(() -> ScaleSimTopology.read(file)).as(e.getKey() + " (SCALE-Sim: " + want.get("error").asText() + ")")
                        .isInstanceOf(TopologyFormatException.class)
                        .satisfies(ex -> assertThat(ex.getMessage()).startsWith(file + ":").doesNotContain("\n"));
                refused++;
                continue;
            }
            ScaleSimTopology t = ScaleSimTopology.read(file);
            assertThat(t.form().name().toLowerCase()).as(e.getKey()).isEqualTo(want.get("form").asText());
            List<String> ours = new ArrayList<>();
            for (TopologyLayer l : t.layers()) {
                // a repeated name is numbered by us (our layers are graph nodes); SCALE-Sim keeps it as it is
                ours.add(List.of(l.name().replaceFirst("#\\d+$", ""), l.ifmapH(), l.ifmapW(), l.filterH(), l.filterW(), l.channels(),
                        l.filters(), l.strideH(), l.strideW()).toString());
            }
            List<String> theirs = new ArrayList<>();
            for (JsonNode l : want.get("layers")) {
                List<Object> row = new ArrayList<>();
                row.add(l.get(0).asText());
                for (int i = 1; i < l.size(); i++) {
                    row.add(l.get(i).asInt());
                }
                theirs.add(row.toString());
            }
            assertThat(ours).as(e.getKey()).containsExactlyElementsOf(theirs);
            parsed++;
        }
        // SCALE-Sim v2 at 22f88b1 runs 90 of the 117 files it ships and fails on 27
        assertThat(parsed).isEqualTo(90);
        assertThat(refused).isEqualTo(27);
    }
}
