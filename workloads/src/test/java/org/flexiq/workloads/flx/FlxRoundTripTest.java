package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlxRoundTripTest {
    @TempDir
    Path dir;

    /**
     * Pooling windows: a rectangular, unevenly padded, dilated one survives the round trip; a file written before windows
     * (a square kernel, stride and pad) still reads; a window with a field missing is refused naming the node.
     */
    @Test
    void poolingWindowsOfEveryFormAndTheOlderSquareFormRead() throws Exception {
        Graph g = Graph.of("pools", List.of(new TensorInfo("image", Shape.of(2, 9, 9))), List.of(
                new Node("max", new MaxPool(3, 2, 1), List.of("image")),
                new Node("avg", new AvgPool(new PoolWindow(2, 3, 1, 2, 2, 0, 1, 1, 0)), List.of("max"))), List.of("avg"));
        Model m = new Model(g, new MapTensorSource(Map.of()), Map.of());
        Path f = dir.resolve("pools.flx");
        FlxWriter.write(f, m);
        assertThat(FlxReader.read(f).model().graph().nodes()).isEqualTo(g.nodes());
        byte[] old = FlxTestFiles.withHeader(Files.readAllBytes(f), h -> {
            ObjectNode layer = (ObjectNode) h.get("graph").get("nodes").get(0).get("layer");
            layer.remove("window");
            layer.put("kernel", 3).put("stride", 2).put("pad", 1);
        });
        assertThat(FlxReader.read("old.flx", old).model().graph().nodes()).isEqualTo(g.nodes());
        byte[] bad = FlxTestFiles.withHeader(Files.readAllBytes(f), h ->
                ((ObjectNode) h.get("graph").get("nodes").get(1).get("layer").get("window")).remove("padTop"));
        assertThatThrownBy(() -> FlxReader.read("bad.flx", bad)).isInstanceOf(FlxFormatException.class)
                .hasMessageContaining("graph.nodes[1].layer").hasMessageContaining("AvgPool.window expects the fields kernelH");
    }

    @Test
    void graphTensorsAndMetadataSurviveARoundTrip() throws Exception {
        Model m = FlxTestFiles.tinyResidualCnn();
        Path f = dir.resolve("tiny.flx");
        FlxWriter.write(f, m);
        FlxFile read = FlxReader.read(f);
        assertThat(read.version()).isEqualTo(FlxFormat.VERSION);
        assertThat(read.model().graph().nodes()).isEqualTo(m.graph().nodes());
        assertThat(read.model().graph().inputs()).isEqualTo(m.graph().inputs());
        assertThat(read.model().graph().outputs()).isEqualTo(m.graph().outputs());
        assertThat(read.model().metadata()).isEqualTo(m.metadata());
        assertThat(read.model().tensors().names()).isEqualTo(m.tensors().names());
        for (String n : m.tensors().names()) {
            assertThat(((FloatTensor) read.model().tensors().get(n)).data()).isEqualTo(((FloatTensor) m.tensors().get(n)).data());
        }
        for (FlxTensorEntry e : read.tensors()) {
            assertThat(e.offset() % FlxFormat.ALIGNMENT).isZero();
        }
        assertThat(Files.list(dir)).containsExactly(f); // no temporary files left behind
    }

    @Test
    void sameModelAndSeedGiveTheSameBytes() throws Exception {
        Path a = dir.resolve("a.flx");
        Path b = dir.resolve("b.flx");
        FlxWriter.write(a, ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 42));
        FlxWriter.write(b, ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 42));
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        Path c = dir.resolve("c.flx");
        FlxWriter.write(c, ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 43));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    }

    /**
     * The bytes of a zoo export are pinned: a change here means every saved model changes. CI runs this on
     * JDK 17 and 25, which checks that weights do not depend on the JDK. Update the hash only on purpose.
     */
    @Test
    void zooExportBytesArePinned() throws Exception {
        Path f = dir.resolve("mlp.flx");
        FlxWriter.write(f, ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 0));
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        assertThat(java.util.HexFormat.of().formatHex(digest)).isEqualTo("54571366607f87076e6ec018a7ad598ec5c3b7db4966d0e683b3e7e5550ced02");
    }

    @Test
    void everyZooGraphSurvivesTheHeaderRoundTrip() throws Exception {
        for (var z : ModelZoo.all()) {
            Graph g = z.graph(z.defaults());
            byte[] json = FlxFormat.mapper().writeValueAsBytes(FlxHeader.GraphSpec.of(g));
            Graph back = FlxFormat.mapper().readValue(json, FlxHeader.GraphSpec.class).toGraph();
            assertThat(back.nodes()).as(z.name()).isEqualTo(g.nodes());
            assertThat(back.totalMacs()).isEqualTo(g.totalMacs());
        }
    }

    @Test
    void aZooModelWithEmbeddingsAndTokensRoundTripsWithWeights() throws Exception {
        Model m = ModelZoo.get("deit-s").model(new ZooOptions(32, 8), 3);
        Path f = dir.resolve("deit.flx");
        FlxWriter.write(f, m);
        Model back = FlxReader.read(f).model();
        assertThat(back.graph().totalParams()).isEqualTo(m.graph().totalParams());
        assertThat(((FloatTensor) back.tensors().get("dist_token.value")).data())
                .isEqualTo(((FloatTensor) m.tensors().get("dist_token.value")).data());
    }
}
