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
        super(oneLine(file + ": " + message));
    }

    /** Names from the file may hold any character: control characters are escaped so a message stays one line. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
