package org.flexiq.workloads.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ONNX file that cannot be imported: not a model, truncated, or holding a node we do not support. The
 * message is one line naming the file and, where there is one, the node, its op type and what is supported.
 */
public class OnnxImportException extends IOException {
    private static final long serialVersionUID = 1L;

    public OnnxImportException(Path file, String message) {
        super(file + ": " + message);
    }
}
