package org.flexiq.cli;

import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import picocli.CommandLine.Option;

/** --npu and --array, shared by the commands that target an NPU. */
final class NpuOptions {
    @Option(names = "--npu", defaultValue = "flexiq-npu", paramLabel = "PRESET|FILE.json",
            description = "NPU preset (sim npu presets lists them) or a config file (default: ${DEFAULT-VALUE}).")
    String npu;

    @Option(names = "--array", paramLabel = "RxC", description = "Override the preset's array size, e.g. 16x16.")
    String array;

    NpuConfig config() {
        NpuConfig c = NpuPresets.load(npu);
        if (array != null) {
            String[] rc = array.toLowerCase(java.util.Locale.ROOT).split("x");
            try {
                if (rc.length != 2) {
                    throw new NumberFormatException();
                }
                c = c.withArray(Integer.parseInt(rc[0].trim()), Integer.parseInt(rc[1].trim()));
            } catch (NumberFormatException e) {
                throw new BadInputException("--array: '" + array + "' is not ROWSxCOLS, e.g. 32x32");
            }
        }
        return c;
    }
}
