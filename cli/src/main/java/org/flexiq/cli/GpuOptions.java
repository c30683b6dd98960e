package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.gpubackend.GpuSpec;
import picocli.CommandLine.Option;

/** --gpu, shared by the commands that take the GPU path. */
final class GpuOptions {
    @Option(names = "--gpu", defaultValue = "a6000", description = "a6000, a100, rtx3090, h100, h200 or t4 (default: ${DEFAULT-VALUE}).")
    String gpu;

    GpuSpec spec() {
        try {
            return GpuSpec.named(gpu);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--gpu: " + e.getMessage());
        }
    }
}
