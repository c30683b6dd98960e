package org.flexiq.reports;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTableTest {
    @Test
    void alignsNumbersRightAndTextLeft() {
        String t = new TextTable(List.of("name", "MACs"), List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT))
                .row("conv1", 118013952)
                .row("fc", 2048000)
                .footer("total", 120061952)
                .render();
        assertThat(t).isEqualTo(String.join("\n",
                "name        MACs",
                "----------------",
                "conv1  118013952",
                "fc       2048000",
                "----------------",
                "total  120061952", ""));
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        TextTable t = new TextTable(List.of("a", "b"), List.of(TextTable.Align.LEFT, TextTable.Align.LEFT));
        assertThatThrownBy(() -> t.row("only one")).hasMessageContaining("1 cells").hasMessageContaining("2 columns");
    }
}
