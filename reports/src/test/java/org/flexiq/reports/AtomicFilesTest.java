package org.flexiq.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class AtomicFilesTest {
    @Test
    void outputsGetTheUmasksPermissionsAndLeaveNoTemporaryFile(@TempDir Path dir) throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path out = dir.resolve("sub/out.csv");
        AtomicFiles.write(out, "a,b\n");
        AtomicFiles.write(out, "c,d\n");
        assertThat(Files.readString(out)).isEqualTo("c,d\n");
        // what a new file gets here (0644 under the usual umask 022), not createTempFile's 0600
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
        try (var listing = Files.list(out.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("out.csv");
        }
    }
}
