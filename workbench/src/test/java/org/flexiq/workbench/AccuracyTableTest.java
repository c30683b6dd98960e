package org.flexiq.workbench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One reader for what sim accuracy --json and sim tradeoff --json write. */
class AccuracyTableTest {
    @TempDir
    Path dir;

    @Test
    void rowsOfOneMethodAndExtractionWithThe8BitTop1AtRatioZero() throws Exception {
        Path f = dir.resolve("acc.json");
        Files.writeString(f, "{\"data\":\"fashion-mnist:test\",\"int8Top1\":0.9,\"rows\":["
                + "{\"method\":\"greedy\",\"extraction\":\"static\",\"ratio\":0.5,\"top1\":0.88},"
                + "{\"method\":\"greedy\",\"extraction\":\"dynamic\",\"ratio\":0.5,\"top1\":0.89},"
                + "{\"method\":\"evolutionary\",\"extraction\":\"static\",\"ratio\":0.5,\"top1\":0.885},"
                + "{\"method\":\"evolutionary\",\"extraction\":\"static\",\"ratio\":1.0,\"top1\":0.85}]}");
        AccuracyTable first = AccuracyTable.read(f, null);
        assertThat(first.method()).isEqualTo("greedy");
        assertThat(first.extraction()).isEqualTo("static");
        assertThat(first.top1()).isEqualTo(Map.of(0.0, 0.9, 0.5, 0.88));
        assertThat(first.data()).isEqualTo("fashion-mnist:test");
        // "effective" is static by another name; the first method with that extraction
        AccuracyTable evo = AccuracyTable.read(f, "evolutionary/effective");
        assertThat(evo.top1()).isEqualTo(Map.of(0.0, 0.9, 0.5, 0.885, 1.0, 0.85));
        assertThat(evo.source()).isEqualTo(f + " (evolutionary/static)");
        assertThat(AccuracyTable.read(f, null, "dynamic").top1()).isEqualTo(Map.of(0.0, 0.9, 0.5, 0.89));
        assertThat(AccuracyTable.read(f, "evolutionary", null).extraction()).isEqualTo("static");
        assertThatThrownBy(() -> evo.at(0.25)).isInstanceOf(BadInputException.class).hasMessageContaining("no accuracy at ratio 0.25");
        assertThatThrownBy(() -> AccuracyTable.read(f, "random/static")).isInstanceOf(BadInputException.class)
                .hasMessage(f + ": rows: none for random/static; it has greedy/static, greedy/dynamic, evolutionary/static");
        assertThatThrownBy(() -> AccuracyTable.read(f, "evolutionary")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("--accuracy-series: 'evolutionary' is not METHOD/EXTRACTION");
    }

    @Test
    void aTradeoffsSeriesReadAlike() throws Exception {
        Path f = dir.resolve("tr.json");
        Files.writeString(f, "{\"int8Top1\":0.94,\"series\":["
                + "{\"method\":\"greedy\",\"extraction\":\"static\",\"ratios\":[0.0,0.5,1.0],\"top1\":[0.94,0.93,0.90]},"
                + "{\"method\":\"greedy\",\"extraction\":\"dynamic\",\"ratios\":[0.0,0.5,1.0],\"top1\":[0.94,0.935,0.92]}]}");
        assertThat(AccuracyTable.read(f, "greedy/dynamic").top1()).isEqualTo(Map.of(0.0, 0.94, 0.5, 0.935, 1.0, 0.92));
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"model\":\"x\"}");
        assertThatThrownBy(() -> AccuracyTable.read(bad, null)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(bad + ": field 'rows' or 'series': missing");
        Files.writeString(bad, "not json");
        assertThatThrownBy(() -> AccuracyTable.read(bad, null)).isInstanceOf(BadInputException.class).hasMessageStartingWith(bad + ": not JSON");
    }
}
