package org.flexiq.cli;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output options checked where they enter, as usage errors (exit 2, one line): a file option must not name a
 * folder, a folder option must not name a file, and what should hold either must not be a file.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    /** A file to write. */
    static final class File implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (Files.isDirectory(p)) {
                throw new CommandLine.TypeConversionException("'" + value + "' is a folder; give the path of a file to write");
            }
            checkParent(value, p);
            return p;
        }
    }

    /** A folder to write into (created when missing). */
    static final class Folder implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new CommandLine.TypeConversionException("'" + value + "' is a file; give a folder to write into");
            }
            checkParent(value, p);
            return p;
        }
    }

    /** The nearest existing ancestor must be a folder, or nothing could be created below it. */
    private static void checkParent(String value, Path p) {
        for (Path a = p.toAbsolutePath().getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                if (!Files.isDirectory(a)) {
                    throw new CommandLine.TypeConversionException("'" + value + "': " + a + " is a file, not a folder");
                }
                return;
            }
        }
    }
}
