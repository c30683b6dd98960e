package org.flexiq.workloads.flx;

import org.flexiq.workloads.ir.Model;

import java.nio.file.Path;
import java.util.List;

/** A .flx file as read and checked: the model, and the file-level facts `sim inspect` shows. */
public record FlxFile(Path path, int version, long sizeBytes, int headerBytes, Model model, List<FlxTensorEntry> tensors) {
    public FlxFile {
        tensors = List.copyOf(tensors);
    }
}
