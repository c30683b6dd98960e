package org.flexiq.compiler.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flexiq.workloads.flx.FlxFormat;
import org.flexiq.workloads.flx.FlxFormatException;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 20's reproductions: checksum-valid quantized files whose sections disagree are refused when read, naming
 * the file and the JSON path, before any executor indexes past an array.
 */
class QuantizedFlxValidationTest {
    @TempDir
    static Path dir;
    static byte[] valid;

    @BeforeAll
    static void write() throws IOException {
        ZooModel z = ModelZoo.get("mlp");
        Model m = z.model(z.defaults(), 0);
        List<Map<String, FloatTensor>> calib = SyntheticInputs.batch(m.graph(), 2, 1);
        QuantizedModel q = Quantizer.quantize(m, calib, new QuantizerOptions(16, CalibrationMethod.MAX));
        Path f = dir.resolve("mlp.q.flx");
        QuantizedFlx.write(f, q);
        valid = Files.readAllBytes(f);
        assertThat(QuantizedFlx.read(f).nodes()).containsKeys("fc1", "fc2", "fc3");
    }

    private static FlxFormatException refused(Consumer<ObjectNode> edit) throws IOException {
        Path f = dir.resolve("edited.q.flx");
        Files.write(f, withHeader(valid, edit));
        Throwable t = catchThrowable(() -> QuantizedFlx.read(f));
        assertThat(t).isInstanceOf(FlxFormatException.class);
        assertThat(t.getMessage()).startsWith(f + ": ").doesNotContain("\n");
        return (FlxFormatException) t;
    }

    @Test
    void aMatrixProductWithoutItsQuantizationIsNamed() throws IOException {
        FlxFormatException e = refused(h -> ((ObjectNode) h.get("quantization").get("nodes")).remove("fc2"));
        assertThat(e.field()).isEqualTo("quantization.nodes.fc2");
        assertThat(e.getMessage()).contains("missing: a Linear node needs its quantization (gemm)");
    }

    @Test
    void aGraphWhoseShapesDisagreeWithTheWeightsIsNamed() throws IOException {
        FlxFormatException e = refused(h -> ((ObjectNode) h.get("graph").get("nodes").get(1).get("layer")).put("outFeatures", 255));
        assertThat(e.field()).isEqualTo("quantization.nodes.fc1");
        assertThat(e.getMessage()).contains("256 x 784 x 1 weights do not fit the graph's Linear");
    }

    @Test
    void crossedOrOutOfRangeClampsAreRefusedBeforeAnyBackendDisagreesOnThem() throws IOException {
        FlxFormatException crossed = refused(h -> ((ObjectNode) h.get("quantization").get("nodes").get("relu1")).put("min", 50).put("max", -50));
        assertThat(crossed.field()).isEqualTo("quantization.nodes.relu1.max");
        assertThat(crossed.getMessage()).contains("-50 is not an int8 code in [min = 50, 127]");
        FlxFormatException wide = refused(h -> ((ObjectNode) h.get("quantization").get("nodes").get("relu1")).put("min", -200));
        assertThat(wide.field()).isEqualTo("quantization.nodes.relu1.min");
        assertThat(wide.getMessage()).contains("-200 is not an int8 code in [-128, 127]");
    }

    @Test
    void aKindThatKeepsItsCodesCarriesNoQuantization() throws IOException {
        FlxFormatException e = refused(h -> ((ObjectNode) h.get("quantization").get("nodes")).set("flatten",
                h.get("quantization").get("nodes").get("relu1").deepCopy()));
        assertThat(e.field()).isEqualTo("quantization.nodes.flatten");
        assertThat(e.getMessage()).contains("has no quantization");
    }

    @Test
    void aSiteAxisThatDoesNotHoldItsChannelsIsNamed() throws IOException {
        for (int axis : new int[]{-1, 5}) {
            FlxFormatException e = refused(h -> ((ObjectNode) h.get("quantization").get("sites").get(0)).put("axis", axis));
            assertThat(e.field()).isEqualTo("quantization.sites[0].axis");
            assertThat(e.getMessage()).contains("axis " + axis + " of 'relu1'", "does not hold its 256 channels");
        }
    }

    @Test
    void aChannelMaxOutsideTheInt8RangeIsNamed() throws IOException {
        // every relu1.channelMax element set to Integer.MAX_VALUE, its tensor CRC made right again
        int oldLen = ByteBuffer.wrap(valid, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ObjectNode h = (ObjectNode) new ObjectMapper().readTree(new String(valid, 16, oldLen, StandardCharsets.UTF_8));
        byte[] file = valid.clone();
        long dataStart = FlxFormat.align(16L + oldLen);
        ObjectNode entry = null;
        for (var t : h.get("tensors")) {
            if (t.get("name").asText().equals("relu1.channelMax")) {
                entry = (ObjectNode) t;
            }
        }
        assertThat(entry).isNotNull();
        int off = (int) (dataStart + entry.get("offset").asLong());
        int len = (int) entry.get("length").asLong();
        ByteBuffer data = ByteBuffer.wrap(file, off, len).order(ByteOrder.LITTLE_ENDIAN);
        while (data.remaining() >= 4) {
            data.putInt(Integer.MAX_VALUE);
        }
        CRC32 crc = new CRC32();
        crc.update(file, off, len);
        long value = crc.getValue();
        ObjectNode e = entry;
        Path f = dir.resolve("channelmax.q.flx");
        Files.write(f, withHeader(file, x -> {
            for (var t : x.get("tensors")) {
                if (t.get("name").asText().equals(e.get("name").asText())) {
                    ((ObjectNode) t).put("crc32", value);
                }
            }
        }));
        Throwable t = catchThrowable(() -> QuantizedFlx.read(f));
        assertThat(t).isInstanceOf(FlxFormatException.class);
        assertThat(t.getMessage()).startsWith(f + ": tensors 'relu1.channelMax': element 0 is 2147483647, expected a calibrated int8 magnitude");
    }

    @Test
    void unsignedCodesAreKeptAndOnlyWhereTheTensorIsNeverNegative() throws IOException {
        ZooModel z = ModelZoo.get("mlp");
        Model m = z.model(z.defaults(), 0);
        QuantizedModel q = Quantizer.quantize(m, SyntheticInputs.batch(m.graph(), 2, 1), new QuantizerOptions(16, CalibrationMethod.MAX, true));
        Path f = dir.resolve("mlp.u4.q.flx");
        QuantizedFlx.write(f, q);
        assertThat(QuantizedFlx.read(f).sites().values()).extracting(Site::codes).containsOnly(org.flexiq.isa.arith.FourBit.Codes.UNSIGNED);
        // a file without the field (every file before it) reads as signed
        assertThat(QuantizedFlx.read(dir.resolve("mlp.q.flx")).sites().values()).extracting(Site::codes)
                .containsOnly(org.flexiq.isa.arith.FourBit.Codes.SIGNED);
        FlxFormatException bogus = refused(h -> ((ObjectNode) h.get("quantization").get("sites").get(0)).put("codes", "u4"));
        assertThat(bogus.field()).isEqualTo("quantization.sites[0].codes");
        assertThat(bogus.getMessage()).contains("expected \"signed\" or \"unsigned\", not \"u4\"");

        // fmnist-vit's sites read LayerNorm outputs, which can be negative
        ZooModel vz = ModelZoo.get("fmnist-vit");
        Model vm = vz.model(vz.defaults(), 0);
        Path vit = dir.resolve("vit.q.flx");
        QuantizedFlx.write(vit, Quantizer.quantize(vm, SyntheticInputs.batch(vm.graph(), 2, 1), new QuantizerOptions(16, CalibrationMethod.MAX)));
        Path edited = dir.resolve("vit.u4.q.flx");
        Files.write(edited, withHeader(Files.readAllBytes(vit), h -> ((ObjectNode) h.get("quantization").get("sites").get(0)).put("codes", "unsigned")));
        Throwable t = catchThrowable(() -> QuantizedFlx.read(edited));
        assertThat(t).isInstanceOf(FlxFormatException.class);
        assertThat(((FlxFormatException) t).field()).isEqualTo("quantization.sites[0].codes");
        assertThat(t.getMessage()).startsWith(edited + ": ").contains("unsigned codes need a tensor that is never negative").doesNotContain("\n");
    }

    /** The file with its header JSON edited and the header CRC made right again (so only the new checks can refuse it). */
    static byte[] withHeader(byte[] file, Consumer<ObjectNode> edit) throws IOException {
        int oldLen = ByteBuffer.wrap(file, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ObjectNode h = (ObjectNode) new ObjectMapper().readTree(new String(file, 16, oldLen, StandardCharsets.UTF_8));
        edit.accept(h);
        byte[] json = new ObjectMapper().writeValueAsBytes(h);
        int oldData = (int) FlxFormat.align(16L + oldLen);
        int newData = (int) FlxFormat.align(16L + json.length);
        ByteBuffer out = ByteBuffer.allocate(newData + file.length - oldData).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(json);
        out.put(file, 0, 8).putInt(json.length).putInt((int) crc.getValue()).put(json);
        out.position(newData);
        out.put(file, oldData, file.length - oldData);
        return out.array();
    }
}
