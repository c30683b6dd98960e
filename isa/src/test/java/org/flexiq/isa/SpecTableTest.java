package org.flexiq.isa;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SpecTableTest {
    @Test
    void theReadmeHoldsTheTableTheEncoderUses() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertThat(readme).as("isa/README.md is stale: regenerate its table with SpecTable").contains(SpecTable.markdown());
    }
}
