package org.flexiq.cli;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

/** Quantized models the CLI tests share, made through the CLI itself. */
final class TestModels {
    private TestModels() {
    }

    /** fmnist-resnet, G = 8, greedy selection on 8 synthetic samples (fast). */
    static Path fmnistResnet(Path dir) {
        Path model = dir.resolve("fm.q.flx");
        SimCliTest.Result r = sim("quantize", "fmnist-resnet", "--group", "8", "--method", "greedy", "--calib", "synthetic:8", "-o", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return model;
    }
}
