package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
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

    /** The machine for a quantized model: its G, which the preset must take, is named as the model's. */
    NpuConfig config(int groupWidth, String model) {
        return configure(groupWidth, model + " is quantized with G = " + groupWidth);
    }

    NpuConfig config(Integer groupWidth) {
        return configure(groupWidth, groupWidth == null ? null : "with G = " + groupWidth);
    }

    /** The preset with --array applied, built for {@code groupWidth} (a quantized model's G) when it is not null. */
    private NpuConfig configure(Integer groupWidth, String groupSource) {
        NpuConfig c = NpuPresets.load(npu);
        int rows = c.arrayRows();
        int cols = c.arrayCols();
        if (array != null) {
            String[] rc = array.toLowerCase(java.util.Locale.ROOT).split("x");
            try {
                if (rc.length != 2) {
                    throw new NumberFormatException();
                }
                rows = Integer.parseInt(rc[0].trim());
                cols = Integer.parseInt(rc[1].trim());
            } catch (NumberFormatException e) {
                throw new BadInputException("--array: '" + array + "' is not ROWSxCOLS, e.g. 32x32");
            }
        }
        try {
            return c.with(rows, cols, groupWidth == null ? c.groupWidth() : groupWidth);
        } catch (org.flexiq.simulator.ConfigException e) {
            // the preset is valid on its own: what the user overrode (--array, or a G from --group or the model) is not
            throw new BadInputException("--npu " + npu + (array != null ? " --array " + array : "") + (groupSource != null ? ": " + groupSource
                    : "") + ": " + e.getMessage());
        }
    }
}
