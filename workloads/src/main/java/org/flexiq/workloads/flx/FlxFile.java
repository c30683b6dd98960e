package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.JsonNode;
import org.flexiq.workloads.ir.Model;

import java.nio.file.Path;
import java.util.List;

/**
 * A .flx file as read and checked: the model, and the file-level facts `sim inspect` shows.
 *
 * @param quantization the quantized model's header section (version 2), or null for a float model
 */
public record FlxFile(Path path, int version, long sizeBytes, int headerBytes, Model model, List<FlxTensorEntry> tensors,
                      JsonNode quantization) {
    public boolean quantized() {
        return quantization != null;
    }

    public FlxFile {
        tensors = List.copyOf(tensors);
    }
}
