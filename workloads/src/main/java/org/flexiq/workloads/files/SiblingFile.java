package org.flexiq.workloads.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * An empty temporary file beside an output, to be renamed over it once complete. Created as an ordinary new file,
 * so it gets the permissions the user's umask gives new files ({@code Files.createTempFile} forces 0600, and a
 * rename keeps them), and named with a random part so concurrent writers never share one.
 */
public final class SiblingFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SiblingFile() {
    }

    public static Path create(Path target, String suffix) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }
}
