package org.flexiq.workloads.flx;

import java.io.IOException;
import java.nio.file.Path;

/** A .flx file that is not well formed. The message is one line: file, field, what was expected. */
public class FlxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public FlxFormatException(Path file, String field, String message) {
        super(file + ": " + field + ": " + message);
        this.field = field;
    }

    /** Where in the file the problem is: a preamble field, or a JSON path such as {@code graph.nodes[3].layer}. */
    public String field() {
        return field;
    }
}
