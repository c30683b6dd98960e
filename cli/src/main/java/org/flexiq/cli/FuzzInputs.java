package org.flexiq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flexiq.workloads.flx.FlxFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Bad inputs for {@code sim fuzz}, each with the command line that feeds it and the outputs that command may write: a
 * quantized .flx whose JSON header is edited structurally (a value set to a boundary, a wrong type or null, a member
 * dropped, an array emptied) with its CRC made valid again, so that the readers' validation rather than the checksum
 * meets it; the same file with bytes flipped or cut; SCALE-Sim topologies and configs with a field changed or a line
 * dropped; option values no command takes; ONNX models damaged or edited ({@link FuzzOnnx}); Accelergy ERT and ART
 * tables with a value changed or a line dropped or repeated; and serving traces likewise.
 */
final class FuzzInputs {
    /** One generated command line, the input file it names (null for options alone) and the outputs it may write. */
    record Case(String kind, List<String> args, Path input, List<Path> outputs) {
    }

    static final List<String> KINDS = List.of("flx-header", "flx-bytes", "topology", "scalesim-cfg", "options", "asm", "onnx", "ert", "trace");

    private static final String[] BAD_NUMBERS = {"0", "-1", "1", "7", "2147483647", "-2147483648", "99999999999", "1e300", "3.5", "NaN",
        "", "x", "0x10"};
    private static final String TRACE = "timestamp\n0.0001\n0.0003\n0.0003\n0.0009\n0.0020\n";
    private static final String RATE_TRACE = "seconds,rate\n0.001,2000\n0.002,8000\n";
    private static final String TOPOLOGY = "Layer, M, N, K,\na, 40, 24, 32,\nb, 9, 8, 64,\n";
    private static final String CONV_TOPOLOGY = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
            + "c1, 12, 12, 3, 3, 4, 8, 1,\nc2_DP, 10, 10, 3, 3, 2, 1, 2,\n";
    private static final String CONFIG = "[general]\nrun_name = fuzz\n\n[architecture_presets]\nArrayHeight:    8\nArrayWidth:     8\n"
            + "IfmapSramSzkB:   64\nFilterSramSzkB:  64\nOfmapSramSzkB:   64\nIfmapOffset:    0\nFilterOffset:   10000000\n"
            + "OfmapOffset:    20000000\nBandwidth : 10\nDataflow : ws\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n";

    private final Path work;
    private final byte[] flx;
    private final JsonNode header;
    private final Path topology;
    private final Path config;
    private final String assembly;
    private final Path base;
    private final String ert;
    private final String art;
    private final ObjectMapper json = new ObjectMapper();
    private final ai.onnx.proto.OnnxMl.ModelProto onnx = FuzzOnnx.base();

    /**
     * @param quantized a valid quantized .flx every .flx case starts from
     * @param assembly  its compiled program as sim disasm prints it, every asm case's start
     * @param ertDir    ERT.yaml and ART.yaml of the gemmini-like preset (sim energy --write-ert), every ert case's start
     */
    FuzzInputs(Path work, Path quantized, String assembly, Path ertDir) throws IOException {
        this.assembly = assembly;
        this.base = quantized;
        this.ert = Files.readString(ertDir.resolve("ERT.yaml"));
        this.art = Files.readString(ertDir.resolve("ART.yaml"));
        this.work = work;
        this.flx = Files.readAllBytes(quantized);
        int len = ByteBuffer.wrap(flx, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        this.header = json.readTree(new String(flx, 16, len, StandardCharsets.UTF_8));
        this.topology = Files.writeString(work.resolve("valid.csv"), TOPOLOGY);
        this.config = Files.writeString(work.resolve("valid.cfg"), CONFIG);
    }

    Case next(int i, SplittableRandom rng) throws IOException {
        String kind = KINDS.get(rng.nextInt(KINDS.size()));
        Path out = work.resolve("out-" + i);
        return switch (kind) {
            case "flx-header" -> flxCommand(kind, write(i, "q.flx", withHeader(mutate(header.deepCopy(), rng))), out, rng);
            case "flx-bytes" -> flxCommand(kind, write(i, "q.flx", corrupt(rng)), out, rng);
            case "topology" -> {
                Path f = write(i, "csv", mutateLines(rng.nextBoolean() ? TOPOLOGY : CONV_TOPOLOGY, ",", rng).getBytes(StandardCharsets.UTF_8));
                yield new Case(kind, List.of("run", "--scalesim-cfg", config.toString(), "--topology", f.toString(), "--ratio", "0",
                        "--csv-scalesim", out.toString()), f, List.of(out));
            }
            case "scalesim-cfg" -> {
                Path f = write(i, "cfg", mutateLines(CONFIG, ":", rng).getBytes(StandardCharsets.UTF_8));
                yield new Case(kind, List.of("run", "--scalesim-cfg", f.toString(), "--topology", topology.toString(), "--ratio", "0",
                        "--csv-scalesim", out.toString()), f, List.of(out));
            }
            case "asm" -> {
                Path f = write(i, "s", mutateFields(assembly, rng).getBytes(StandardCharsets.UTF_8));
                Path npu = out.resolveSibling(out.getFileName() + ".npu");
                yield new Case(kind, List.of("asm", f.toString(), "-o", npu.toString()), f, List.of(npu));
            }
            case "onnx" -> {
                Path f = write(i, "onnx", FuzzOnnx.mutate(onnx, rng));
                Path flxOut = out.resolveSibling(out.getFileName() + ".flx");
                Path json = out.resolveSibling(out.getFileName() + ".json");
                List<String> args = switch (rng.nextInt(3)) {
                    case 0 -> List.of("inspect", f.toString());
                    case 1 -> List.of("import", f.toString(), "-o", flxOut.toString());
                    default -> List.of("run", f.toString(), "--group", "4", "--ratio", "0,1", "--no-check", "--json", json.toString());
                };
                yield new Case(kind, args, f, List.of(flxOut, json));
            }
            case "ert" -> {
                boolean table = rng.nextBoolean();
                Path e = write(i, "ERT.yaml", (table ? mutateLines(ert, ":", rng) : ert).getBytes(StandardCharsets.UTF_8));
                Path a = write(i, "ART.yaml", (table ? art : mutateLines(art, ":", rng)).getBytes(StandardCharsets.UTF_8));
                Path json = out.resolveSibling(out.getFileName() + ".json");
                yield new Case(kind, List.of("run", base.toString(), "--npu", "gemmini-like", "--ratio", "0,1", "--no-check",
                        "--energy", e.toString(), "--art", a.toString(), "--json", json.toString()), table ? e : a, List.of(json));
            }
            case "trace" -> {
                Path f = write(i, "csv", mutateLines(rng.nextBoolean() ? TRACE : RATE_TRACE, ",", rng).getBytes(StandardCharsets.UTF_8));
                Path json = out.resolveSibling(out.getFileName() + ".json");
                yield new Case(kind, List.of("serve", base.toString(), "--npu", "gemmini-like", "--arrivals", "trace:" + f,
                        "--requests", "40", "--json", json.toString()), f, List.of(json));
            }
            default -> options(out, rng);
        };
    }

    private Case flxCommand(String kind, Path f, Path out, SplittableRandom rng) {
        Path json = out.resolveSibling(out.getFileName() + ".json");
        List<String> args = switch (rng.nextInt(4)) {
            case 0 -> List.of("inspect", f.toString());
            case 1 -> List.of("run", f.toString(), "--ratio", "0,0.5", "--no-check", "--json", json.toString());
            case 2 -> List.of("exec", f.toString(), "--ratio", "0.5", "--functional");
            default -> List.of("gpu", f.toString(), "--ratio", "0.5", "--json", json.toString());
        };
        return new Case(kind, args, f, List.of(json));
    }

    /** A command with one option given a value it cannot take (or an unknown option). */
    private Case options(Path out, SplittableRandom rng) {
        String bad = BAD_NUMBERS[rng.nextInt(BAD_NUMBERS.length)];
        Path existing = topology;
        String[][] lines = {
            {"run", "mlp", "--no-check", "--array", bad + "x8"},
            {"run", "mlp", "--no-check", "--ratio", bad},
            {"run", "mlp", "--no-check", "--clock-mhz", bad},
            {"run", "mlp", "--no-check", "--dram-gbps", bad},
            {"run", "mlp", "--no-check", "--group", bad},
            {"run", "mlp", "--no-check", "--seed", bad},
            {"run", "mlp", "--no-check", "--engine", bad},
            {"run", "mlp", "--no-check", "--" + bad.replace(".", "") + "opt"},
            {"run", "mlp", "--no-check", "--json", existing.getParent().toString()},
            {"sweep", "mlp", "--array", "8x8", "--group", "16", "--ratio", "0", "--out", existing.toString()},
            {"sweep", "mlp", "--array", bad + "x" + bad, "--group", "16", "--ratio", "0", "--out", out.toString()},
            {"quantize", "mlp", "--group", bad, "-o", out.toString() + ".q.flx"},
            {"gpu", "mlp", "--ratio", bad},
            {"accuracy", base.toString(), "--ratios", "0", "--compare", "greedy", "--data", "fashion-mnist:test:" + bad},
            {"accuracy", base.toString(), "--ratios", "0", "--compare", "greedy", "--data", bad + ":test"},
            {"quantize", "mlp", "--method", "greedy", "--calib", "fashion-mnist:" + bad + ":4", "-o", out.toString() + ".q.flx"},
        };
        String[] pick = lines[rng.nextInt(lines.length)];
        List<Path> outputs = new ArrayList<>();
        for (String a : pick) {
            if (a.startsWith(out.toString())) {
                outputs.add(Path.of(a));
            }
        }
        return new Case("options", List.of(pick), null, outputs);
    }

    private Path write(int i, String ext, byte[] bytes) throws IOException {
        return Files.write(work.resolve("case-" + i + "." + ext), bytes);
    }

    /** One node of the tree, chosen at random, changed; the tree itself when the root is chosen. */
    private JsonNode mutate(JsonNode root, SplittableRandom rng) {
        List<JsonNode[]> parents = new ArrayList<>(); // {container, key-or-index as text node}
        collect(root, parents);
        if (parents.isEmpty() || rng.nextInt(50) == 0) {
            return rng.nextBoolean() ? JsonNodeFactory.instance.nullNode() : JsonNodeFactory.instance.arrayNode();
        }
        JsonNode[] p = parents.get(rng.nextInt(parents.size()));
        JsonNode replacement = switch (rng.nextInt(6)) {
            case 0 -> JsonNodeFactory.instance.nullNode();
            case 1 -> JsonNodeFactory.instance.textNode("x");
            case 2 -> JsonNodeFactory.instance.arrayNode();
            case 3 -> JsonNodeFactory.instance.numberNode(-1);
            case 4 -> JsonNodeFactory.instance.numberNode(new long[]{0, 1, 5, 2147483647L, 99999999999L}[rng.nextInt(5)]);
            default -> null; // dropped
        };
        if (p[0] instanceof ObjectNode o) {
            if (replacement == null) {
                o.remove(p[1].asText());
            } else {
                o.set(p[1].asText(), replacement);
            }
        } else if (p[0] instanceof ArrayNode a) {
            if (replacement == null) {
                a.remove(p[1].asInt());
            } else {
                a.set(p[1].asInt(), replacement);
            }
        }
        return root;
    }

    private static void collect(JsonNode n, List<JsonNode[]> out) {
        if (n instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(k -> {
                out.add(new JsonNode[]{o, JsonNodeFactory.instance.textNode(k)});
                collect(o.get(k), out);
            });
        } else if (n instanceof ArrayNode a) {
            // long arrays (tensor tables, channel maxima) would crowd out the rest: a few of their elements stand for them
            for (int i = 0; i < Math.min(a.size(), 4); i++) {
                out.add(new JsonNode[]{a, JsonNodeFactory.instance.numberNode(i)});
                collect(a.get(i), out);
            }
        }
    }

    /** The file with this header text and a valid CRC over it (the data section moved to its new aligned offset). */
    private byte[] withHeader(JsonNode h) throws IOException {
        byte[] text = json.writeValueAsBytes(h);
        int oldLen = ByteBuffer.wrap(flx, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int oldData = (int) FlxFormat.align(16L + oldLen);
        int newData = (int) FlxFormat.align(16L + text.length);
        CRC32 crc = new CRC32();
        crc.update(text);
        ByteBuffer out = ByteBuffer.allocate(newData + flx.length - oldData).order(ByteOrder.LITTLE_ENDIAN);
        out.put(flx, 0, 8).putInt(text.length).putInt((int) crc.getValue()).put(text);
        out.position(newData);
        out.put(flx, oldData, flx.length - oldData);
        return out.array();
    }

    private byte[] corrupt(SplittableRandom rng) {
        byte[] b = flx.clone();
        if (rng.nextBoolean()) {
            b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
            return b;
        }
        return Arrays.copyOf(b, rng.nextInt(b.length));
    }

    /** One key=value field of a random line set to a bad value, or a line dropped or repeated. */
    private static String mutateFields(String text, SplittableRandom rng) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int at = rng.nextInt(lines.size());
        String[] words = lines.get(at).split(" ");
        List<Integer> fields = new ArrayList<>();
        for (int w = 0; w < words.length; w++) {
            if (words[w].contains("=")) {
                fields.add(w);
            }
        }
        int choice = rng.nextInt(5);
        if (choice == 0 || fields.isEmpty()) {
            lines.remove(at);
        } else if (choice == 1) {
            lines.add(at, lines.get(at));
        } else {
            int w = fields.get(rng.nextInt(fields.size()));
            words[w] = words[w].substring(0, words[w].indexOf('=') + 1) + BAD_NUMBERS[rng.nextInt(BAD_NUMBERS.length)];
            lines.set(at, String.join(" ", words));
        }
        return String.join("\n", lines);
    }

    /** A field of a random line after the first set to a bad value, or a line dropped or repeated. */
    private static String mutateLines(String text, String separator, SplittableRandom rng) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int at = 1 + rng.nextInt(lines.size() - 1);
        switch (rng.nextInt(4)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, lines.get(at));
            default -> {
                String[] fields = lines.get(at).split(separator.equals(",") ? "," : "[:=]", -1);
                if (fields.length > 1) {
                    int f = 1 + rng.nextInt(fields.length - 1);
                    fields[f] = " " + BAD_NUMBERS[rng.nextInt(BAD_NUMBERS.length)];
                    lines.set(at, String.join(separator, fields));
                } else {
                    lines.set(at, "[" + lines.get(at) + "]");
                }
            }
        }
        return String.join("\n", lines);
    }
}
