package org.flexiq.workbench;

import org.flexiq.workloads.flx.FlxFile;
import org.flexiq.workloads.flx.FlxReader;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a command's MODEL argument names: a .flx file, or a zoo model name (synthetic weights, seed 0,
 * default sizes). A file wins when both exist.
 *
 * @param file the file as read, or null for a zoo model
 */
public record ModelSource(String label, Model model, FlxFile file) {

    public static ModelSource resolve(String arg) throws IOException {
        Path p = Path.of(arg);
        if (Files.exists(p) || !ModelZoo.contains(arg)) {
            if (!Files.exists(p) && !arg.contains("/") && !arg.endsWith(".flx")) {
                throw new BadInputException(arg + ": neither a file nor a zoo model (sim zoo list shows the models)");
            }
            FlxFile f = FlxReader.read(p);
            return new ModelSource(arg, f.model(), f);
        }
        ZooModel z = ModelZoo.get(arg);
        return new ModelSource(arg + " (zoo)", z.model(z.defaults(), 0), null);
    }

    public static ZooOptions zooOptions(ZooModel z, Integer imageSize, Integer seqLen) {
        try {
            return new ZooOptions(imageSize == null ? z.defaults().imageSize() : imageSize,
                    seqLen == null ? z.defaults().seqLen() : seqLen);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
