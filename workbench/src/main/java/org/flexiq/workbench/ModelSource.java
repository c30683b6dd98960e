package org.flexiq.workbench;

import org.flexiq.workloads.flx.FlxFile;
import org.flexiq.workloads.flx.FlxReader;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.onnx.OnnxImporter;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a command's MODEL argument names: a .flx file, an ONNX file (imported on the fly, float), or a zoo
 * model name (synthetic weights, seed 0, default sizes). A file wins when both exist.
 *
 * @param file the .flx file as read, or null for an ONNX file or a zoo model
 */
public record ModelSource(String label, Model model, FlxFile file) {

    public static ModelSource resolve(String arg) throws IOException {
        Path p = Path.of(arg);
        if (Files.exists(p) || !ModelZoo.contains(arg)) {
            if (!Files.exists(p) && !arg.contains("/") && !arg.endsWith(".flx") && !arg.endsWith(".onnx")) {
                throw new BadInputException(arg + ": neither a file nor a zoo model (sim zoo list shows the models)");
            }
            if (isOnnx(p)) {
                return new ModelSource(arg, OnnxImporter.read(p), null);
            }
            FlxFile f = FlxReader.read(p);
            return new ModelSource(arg, f.model(), f);
        }
        ZooModel z = ModelZoo.get(arg);
        return new ModelSource(arg + " (zoo)", z.model(z.defaults(), 0), null);
    }

    /** An ONNX file: named .onnx, or not starting with the .flx magic (ONNX files have none of their own). */
    public static boolean isOnnx(Path p) throws IOException {
        if (p.getFileName() != null && p.getFileName().toString().endsWith(".onnx")) {
            return true;
        }
        if (!Files.isRegularFile(p) || p.getFileName().toString().endsWith(".flx")) {
            return false;
        }
        try (java.io.InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && !new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1).equals("FLX1")
                    && magic[0] == 0x08; // field 1 (ir_version), varint: how every ONNX model starts
        }
    }

    /** A zoo model's sizes with those given (null: the model's default; blocks 0 or null: all of them). */
    public static ZooOptions zooOptions(ZooModel z, Integer imageSize, Integer seqLen, Integer blocks) {
        try {
            return new ZooOptions(imageSize == null ? z.defaults().imageSize() : imageSize,
                    seqLen == null ? z.defaults().seqLen() : seqLen, blocks == null ? z.defaults().blocks() : blocks);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
