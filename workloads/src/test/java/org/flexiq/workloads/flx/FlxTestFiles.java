package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Tensor;
import org.flexiq.workloads.ir.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/** A tiny residual CNN as a .flx, and surgery on .flx bytes for the malformed-input tests. */
final class FlxTestFiles {
    private FlxTestFiles() {
    }

    static Model tinyResidualCnn() {
        return tinyResidualCnn(Float.NaN, false);
    }

    /** The same model with {@code poison} as the fc weight's element 5 when {@code poisoned}. */
    static Model tinyResidualCnn(float poison, boolean poisoned) {
        Graph g = Graph.of("tiny", List.of(new TensorInfo("image", Shape.of(2, 6, 6))), List.of(
                new Node("conv1", Conv2d.square(4, 3, 1, 1, 1, false), List.of("image")),
                new Node("bn1", new BatchNorm(1e-5), List.of("conv1")),
                new Node("relu1", new Relu(), List.of("bn1")),
                new Node("dw", Conv2d.square(4, 3, 1, 1, 4, true), List.of("relu1")),
                new Node("add", new Add(), List.of("dw", "relu1")),
                new Node("pool", new GlobalAvgPool(), List.of("add")),
                new Node("fc", new Linear(3, true), List.of("pool"))), List.of("fc"));
        SplittableRandom rng = new SplittableRandom(7);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, ParamSpec> p : g.paramTensors().entrySet()) {
            float[] d = new float[p.getValue().shape().elementCount()];
            for (int i = 0; i < d.length; i++) {
                d[i] = p.getKey().endsWith(".var") ? (float) (0.5 + rng.nextDouble()) : (float) (rng.nextDouble() - 0.5);
            }
            if (poisoned && p.getKey().equals("fc.weight")) {
                d[5] = poison;
            }
            t.put(p.getKey(), new FloatTensor(p.getValue().shape(), d));
        }
        return new Model(g, new MapTensorSource(t), Map.of("source", "test"));
    }

    /** Header JSON of a .flx file's bytes. */
    static ObjectNode header(byte[] file) throws IOException {
        int len = ByteBuffer.wrap(file, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return (ObjectNode) new ObjectMapper().readTree(Arrays.copyOfRange(file, 16, 16 + len));
    }

    /** The file with its header edited as JSON; the CRC and data alignment are kept valid. */
    static byte[] withHeader(byte[] file, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode h = header(file);
        edit.accept(h);
        return withHeaderText(file, new ObjectMapper().writeValueAsString(h));
    }

    /** The file with the header replaced by {@code text} and a correct header CRC. */
    static byte[] withHeaderText(byte[] file, String text) {
        int oldLen = ByteBuffer.wrap(file, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int oldData = (int) FlxFormat.align(16L + oldLen);
        byte[] json = text.getBytes(StandardCharsets.UTF_8);
        int newData = (int) FlxFormat.align(16L + json.length);
        ByteBuffer out = ByteBuffer.allocate(newData + file.length - oldData).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(json);
        out.put(file, 0, 8).putInt(json.length).putInt((int) crc.getValue()).put(json);
        out.position(newData);
        out.put(file, oldData, file.length - oldData);
        return out.array();
    }

    static String headerText(byte[] file) {
        int len = ByteBuffer.wrap(file, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return new String(file, 16, len, StandardCharsets.UTF_8);
    }
}
