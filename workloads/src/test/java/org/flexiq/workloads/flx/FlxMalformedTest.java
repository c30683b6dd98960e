package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of bad .flx the foundation issue lists gets one clear line naming the file and the field. */
class FlxMalformedTest {
    @TempDir
    Path dir;
    byte[] valid;

    @BeforeEach
    void writeValidFile() throws IOException {
        Path f = dir.resolve("valid.flx");
        FlxWriter.write(f, FlxTestFiles.tinyResidualCnn());
        valid = Files.readAllBytes(f);
        assertThat(FlxReader.read(f).model().graph().nodes()).hasSize(7);
    }

    private FlxFormatException rejected(byte[] bytes, String field, String... messageParts) throws IOException {
        Path f = dir.resolve("bad.flx");
        Files.write(f, bytes);
        FlxFormatException e = (FlxFormatException) org.assertj.core.api.Assertions.catchThrowable(() -> FlxReader.read(f));
        assertThat(e).as("expected a rejection naming " + field).isNotNull();
        assertThat(e.getMessage()).startsWith(f + ": ").doesNotContain("\n");
        if (field != null) {
            assertThat(e.field()).isEqualTo(field);
        }
        if (messageParts.length > 0) {
            assertThat(e.getMessage()).contains(messageParts);
        }
        return e;
    }

    private FlxFormatException rejectedHeader(Consumer<ObjectNode> edit, String field, String... parts) throws IOException {
        return rejected(FlxTestFiles.withHeader(valid, edit), field, parts);
    }

    private static ObjectNode node(ObjectNode h, int i) {
        return (ObjectNode) h.get("graph").get("nodes").get(i);
    }

    private static ObjectNode tensor(ObjectNode h, int i) {
        return (ObjectNode) h.get("tensors").get(i);
    }

    /** Issue 20: NaN and infinite weights passed quantize, run and gpu silently; the reader now names the tensor. */
    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws IOException {
        for (float poison : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Path f = dir.resolve("poisoned.flx");
            FlxWriter.write(f, FlxTestFiles.tinyResidualCnn(poison, true));
            FlxFormatException e = (FlxFormatException) org.assertj.core.api.Assertions.catchThrowable(() -> FlxReader.read(f).model()
                    .tensors().get("fc.weight"));
            assertThat(e).as("poison " + poison).isNotNull();
            assertThat(e.getMessage()).startsWith(f + ": ").contains("element 5 of 'fc.weight' is " + poison, "finite").doesNotContain("\n");
        }
    }

    /** What `sim fuzz` found: a null metadata value and a null tensor entry were NullPointerExceptions (exit 1). */
    @Test
    void nullMetadataValuesAndTensorEntriesAreRefused() throws IOException {
        rejectedHeader(h -> ((ObjectNode) h.get("metadata")).putNull("zoo"), "metadata.zoo", "expected a string, got null");
        rejectedHeader(h -> ((com.fasterxml.jackson.databind.node.ArrayNode) h.get("tensors")).setNull(1), "tensors[1]", "got null");
    }

    /** What `sim fuzz` found: a field of the wrong JSON type showed Jackson's Java type names; now it says what was expected. */
    @Test
    void aFieldOfTheWrongTypeSaysWhatWasExpected() throws IOException {
        FlxFormatException e = rejectedHeader(h -> tensor(h, 0).put("shape", 5), "tensors[0].shape", "expected a list, got an integer");
        assertThat(e.getMessage()).doesNotContain("java.", "`");
        rejectedHeader(h -> node(h, 1).put("inputs", "x"), "graph.nodes[1].inputs", "expected a list, got a string");
    }

    /** Issue 20: a header that is the JSON literal null used to surface as a NullPointerException. */
    @Test
    void aNullHeaderIsRefused() throws IOException {
        FlxFormatException e = rejected(FlxTestFiles.withHeaderText(valid, "null"), "header", "expected a JSON object", "found null");
        assertThat(e.getMessage()).containsOnlyOnce("header:");
    }

    @Test
    void truncatedFiles() throws IOException {
        rejected(Arrays.copyOf(valid, 10), "preamble", "truncated", "10 bytes");
        rejected(Arrays.copyOf(valid, 40), "header length", "does not fit");
        rejected(Arrays.copyOf(valid, valid.length - 1), "tensors[8] 'fc.bias'.offset", "runs past the end");
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] b = valid.clone();
        b[0] = 'P';
        b[1] = 'K';
        rejected(b, "magic", "expected \"FLX1\", found \"PKX1\"");
    }

    @Test
    void unknownVersionsSayWhichReaderIsNeeded() throws IOException {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 7);
        rejected(b, "version", "version 7", "reads versions 1 to 2", "newer sim");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0);
        rejected(b, "version", "version 0");
    }

    @Test
    void absurdHeaderLengthIsRefusedBeforeAllocating() throws IOException {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
        rejected(b, "header length", "4294967295");
    }

    @Test
    void corruptHeaderFailsItsCrc() throws IOException {
        byte[] b = valid.clone();
        b[30] ^= 0x20;
        rejected(b, "header CRC32", "corrupt");
    }

    @Test
    void corruptTensorDataFailsItsCrc() throws IOException {
        byte[] b = valid.clone();
        b[b.length - 3] ^= 1;
        rejected(b, "tensors[8] 'fc.bias'.crc32", "corrupt");
    }

    @Test
    void malformedJson() throws IOException {
        String text = FlxTestFiles.headerText(valid);
        rejected(FlxTestFiles.withHeaderText(valid, text.substring(0, text.length() / 2)), null, "end-of-input");
        rejected(FlxTestFiles.withHeaderText(valid, text + "}"), "header", "malformed JSON");
        rejected(FlxTestFiles.withHeaderText(valid, "[1,2]"), "header", "expected a JSON object");
    }

    @Test
    void tensorOffsetPastTheEnd() throws IOException {
        rejectedHeader(h -> tensor(h, 1).put("offset", 1L << 40), "tensors[1] 'bn1.gamma'.offset", "runs past the end");
        rejectedHeader(h -> tensor(h, 1).put("offset", 3), "tensors[1] 'bn1.gamma'.offset", "multiple of 64");
    }

    @Test
    void overlappingTensors() throws IOException {
        rejectedHeader(h -> tensor(h, 1).put("offset", tensor(h, 0).get("offset").asLong()), "tensors 'bn1.gamma'.offset", "overlaps");
    }

    @Test
    void shapeAndDataSizeDisagree() throws IOException {
        rejectedHeader(h -> tensor(h, 0).put("length", 4), "tensors[0] 'conv1.weight'.length", "needs 288");
        rejectedHeader(h -> ((ArrayNode) tensor(h, 0).get("shape")).set(0, 5), "tensors[0] 'conv1.weight'.length", "needs 360");
        rejectedHeader(h -> {
            ArrayNode s = (ArrayNode) tensor(h, 0).get("shape");
            s.set(0, 2);
            s.set(1, 4);
        }, "tensors 'conv1.weight'.shape", "[2x4x3x3], but the graph needs [4x2x3x3]");
    }

    @Test
    void negativeAndGiganticDimensions() throws IOException {
        rejectedHeader(h -> ((ArrayNode) tensor(h, 0).get("shape")).set(1, -2), "tensors[0].shape", "dimension -2");
        rejectedHeader(h -> ((ArrayNode) tensor(h, 0).get("shape")).set(1, 1L << 40), "tensors[0].shape[1]", "out of range of int");
        rejectedHeader(h -> {
            ArrayNode s = (ArrayNode) tensor(h, 0).get("shape");
            s.set(0, 100000);
            s.set(1, 100000);
        }, "tensors[0].shape", "more than");
        rejectedHeader(h -> ((ArrayNode) ((ObjectNode) h.get("graph").get("inputs").get(0)).get("shape")).set(0, 0),
                "graph.inputs[0].shape", "dimension 0");
    }

    @Test
    void unknownLayerKind() throws IOException {
        rejectedHeader(h -> ((ObjectNode) node(h, 2).get("layer")).put("op", "Swish"), "graph.nodes[2].layer", "unknown layer kind 'Swish'");
    }

    @Test
    void badLayerAttributes() throws IOException {
        rejectedHeader(h -> ((ObjectNode) node(h, 0).get("layer")).put("strideH", 0), "graph.nodes[0].layer", "stride must be >= 1");
        rejectedHeader(h -> ((ObjectNode) node(h, 0).get("layer")).remove("groups"), "graph.nodes[0].layer.groups", "Missing");
        rejectedHeader(h -> ((ObjectNode) node(h, 0).get("layer")).put("kernelH", 9), "graph.nodes[0] 'conv1'", "does not fit input");
    }

    @Test
    void cycleInTheGraph() throws IOException {
        rejectedHeader(h -> ((ArrayNode) node(h, 0).get("inputs")).set(0, "relu1"), "graph.nodes[0] 'conv1'", "cycle");
    }

    @Test
    void danglingNamesAndDuplicates() throws IOException {
        rejectedHeader(h -> ((ArrayNode) node(h, 4).get("inputs")).set(1, "nowhere"), "graph.nodes[4] 'add'", "'nowhere'");
        rejectedHeader(h -> node(h, 3).put("name", "relu1"), "graph.nodes[3] 'relu1'", "duplicate");
        rejectedHeader(h -> ((ArrayNode) h.get("graph").get("outputs")).set(0, "gone"), "graph.outputs[0]", "'gone'");
        rejectedHeader(h -> ((ArrayNode) node(h, 4).get("inputs")).remove(1), "graph.nodes[4] 'add'", "takes 2 input(s), got 1");
    }

    @Test
    void unknownDtypeAndMissingParameters() throws IOException {
        rejectedHeader(h -> tensor(h, 0).put("dtype", "f16"), "tensors[0] 'conv1.weight'.dtype", "unknown dtype 'f16'");
        rejectedHeader(h -> tensor(h, 0).put("name", "renamed"), "tensors", "parameter 'conv1.weight' of the graph is missing");
        rejectedHeader(h -> tensor(h, 1).put("name", "conv1.weight"), "tensors[1].name", "duplicate");
    }

    @Test
    void unknownAndMissingHeaderFields() throws IOException {
        rejectedHeader(h -> h.put("extra", 1), "extra", "Unrecognized field");
        rejectedHeader(h -> h.remove("tensors"), "tensors", "Missing");
        FlxFormatException e = rejectedHeader(h -> ((ObjectNode) node(h, 0).get("layer")).put("bias", "yes"), "graph.nodes[0].layer.bias");
        assertThat(e.getMessage()).doesNotContain("org.flexiq");
    }

    @Test
    void aMissingFileIsNotAFormatError() {
        assertThatThrownBy(() -> FlxReader.read(dir.resolve("absent.flx"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}
