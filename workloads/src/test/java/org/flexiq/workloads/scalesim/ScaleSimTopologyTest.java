package org.flexiq.workloads.scalesim;

import org.flexiq.workloads.ir.Model;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaleSimTopologyTest {
    private static ScaleSimTopology parse(String... lines) {
        return ScaleSimTopology.parse("t.csv", "t", List.of(lines));
    }

    @Test
    void convRowsWithTheirQuirks() {
        ScaleSimTopology t = parse("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,",
                "Conv1, 224, 224, 7, 7, 3, 64, 2,",
                "",
                "Conv2,56,56,3,3,64,64,1,2,",
                "  CB2a_1 , 56, 56, 1, 1, 64, 256, 1, #what follows the last comma is dropped");
        assertThat(t.form()).isEqualTo(ScaleSimTopology.Form.CONV);
        assertThat(t.layers()).hasSize(3);
        TopologyLayer c1 = t.layers().get(0);
        // no padding: ceil((224 - 7 + 2) / 2) = 110
        assertThat(c1.ofmapH()).isEqualTo(110);
        assertThat(c1.strideW()).isEqualTo(2); // stride width defaults to the stride height
        assertThat(c1.m()).isEqualTo(110 * 110);
        assertThat(c1.k()).isEqualTo(7 * 7 * 3);
        assertThat(c1.n()).isEqualTo(64);
        TopologyLayer c2 = t.layers().get(1);
        assertThat(c2.ofmapH()).isEqualTo(54);
        assertThat(c2.ofmapW()).isEqualTo(28); // ceil((56 - 3 + 2) / 2)
        assertThat(t.layers().get(2).name()).isEqualTo("CB2a_1");
    }

    @Test
    void depthwiseLayersSplitPerChannelAsScaleSimDoes() {
        ScaleSimTopology t = parse("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,",
                "Conv_DP_1, 10, 10, 3, 3, 4, 1, 1,");
        assertThat(t.layers()).extracting(TopologyLayer::name).containsExactly("Conv_DP_1Channel_0", "Conv_DP_1Channel_1",
                "Conv_DP_1Channel_2", "Conv_DP_1Channel_3");
        assertThat(t.layers()).allSatisfy(l -> {
            assertThat(l.k()).isEqualTo(9);
            assertThat(l.m()).isEqualTo(64);
        });
    }

    @Test
    void gemmRowsAreAnMByKMapWithOneFilterRowOfK() {
        ScaleSimTopology t = parse("Layer, M, N, K,", "fc1, 197, 3072, 768,", "head,1,1000,768,", "fc1, 5, 6, 7, 8, comment,");
        assertThat(t.form()).isEqualTo(ScaleSimTopology.Form.GEMM);
        TopologyLayer l = t.layers().get(0);
        assertThat(l.m()).isEqualTo(197);
        assertThat(l.n()).isEqualTo(3072);
        assertThat(l.k()).isEqualTo(768);
        assertThat(l.macs()).isEqualTo(197L * 3072 * 768);
        // SCALE-Sim keeps a repeated name and ignores fields after K
        assertThat(t.layers().get(2).name()).isEqualTo("fc1#2");
        assertThat(t.layers().get(2).k()).isEqualTo(7);
    }

    @Test
    void theModelHasOneMatrixProductPerLayerOnItsOperand() {
        Model m = parse("Layer, M, N, K,", "a, 5, 7, 9,", "b, 3, 2, 4,").toModel(4, 1);
        assertThat(m.graph().inputs()).extracting(i -> i.shape().toString()).containsExactly("[5x9]", "[3x4]");
        assertThat(m.graph().outputs()).containsExactly("a", "b");
        assertThat(m.graph().nodes()).extracting(n -> n.name()).containsExactly("a", "b.act", "b"); // K = 9 is not a multiple of 4: 8-bit
        assertThat(m.graph().totalMacs()).isEqualTo(5L * 7 * 9 + 3L * 2 * 4);
        // deterministic synthetic weights
        float[] w1 = ((org.flexiq.workloads.ir.FloatTensor) m.tensors().get("a.weight")).data();
        float[] w2 = ((org.flexiq.workloads.ir.FloatTensor) parse("Layer, M, N, K,", "a, 5, 7, 9,").toModel(4, 1).tensors().get("a.weight")).data();
        assertThat(w1).containsExactly(w2);
    }

    @Test
    void malformedLinesNameTheFileTheLineAndTheField() {
        String header = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,";
        assertThatThrownBy(() -> parse(header, "c, 10, 10, 3, x, 4, 8, 1,"))
                .hasMessage("t.csv:2: Filter Width: expected a positive integer, got 'x'");
        assertThatThrownBy(() -> parse(header, "c, 10, 10, 3, 3, 4, 8,"))
                .hasMessageStartingWith("t.csv:2: Stride height: missing (expected at least 8 fields");
        // SCALE-Sim drops what follows a row's last comma: without the trailing comma the stride is lost
        assertThatThrownBy(() -> parse(header, "c, 10, 10, 3, 3, 4, 8, 1"))
                .hasMessageEndingWith("the line has 7 as SCALE-Sim reads it, which drops what follows the last comma: end the line with a comma)");
        // what `sim fuzz` found: a depthwise row of 2^31 channels was 2^31 layers (out of memory)
        assertThatThrownBy(() -> parse(header, "c_DP, 10, 10, 3, 3, 2147483647, 1, 1,"))
                .hasMessageStartingWith("t.csv:2: Channels: 2147483647: a depthwise (DP) row becomes one layer per channel");
        assertThatThrownBy(() -> parse(header, "c, 10, 10, 3, 3, 4, 8, 1, 1, B,"))
                .hasMessage("t.csv:2: field 10: expected an integer (SCALE-Sim converts every field of a conv row), got 'B'");
        assertThatThrownBy(() -> parse("", header, "c, 10, 10, 3, 3, 4, 8, 1,"))
                .hasMessage("t.csv:1: header: blank; SCALE-Sim takes the first line as the header");
        assertThatThrownBy(() -> parse(header, "c, 10, 10, 3, 3, 0, 8, 1,"))
                .hasMessage("t.csv:2: Channels: expected a positive integer, got '0'");
        assertThatThrownBy(() -> parse(header, "c, 2, 10, 3, 3, 4, 8, 1,"))
                .hasMessage("t.csv:2: Filter Height: 3 exceeds the IFMAP Height 2");
        assertThatThrownBy(() -> parse("Layer, M, N, K,", "g, 4, 4,"))
                .hasMessage("t.csv:2: K: missing (expected at least 4 fields: Layer, M, N, K; the line has 3)");
        assertThatThrownBy(() -> parse("name, rows, cols,", "g, 4, 4,"))
                .hasMessageStartingWith("t.csv:1: header: expected a conv header");
        assertThatThrownBy(() -> parse("Layer, M, N, K,")).hasMessage("t.csv: no layers after the header");
        assertThatThrownBy(() -> parse()).hasMessageStartingWith("t.csv: empty");
    }
}
