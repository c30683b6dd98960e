package org.flexiq.cli;

import org.flexiq.reports.TextTable;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.Locale;

@Command(name = "npu", mixinStandardHelpOptions = true, description = "NPU configurations.",
        subcommands = {NpuCommand.Presets.class})
final class NpuCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "presets", mixinStandardHelpOptions = true, description = "The built-in NPU presets (--npu NAME).")
    static final class Presets implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            TextTable.Align l = TextTable.Align.LEFT;
            TextTable.Align r = TextTable.Align.RIGHT;
            TextTable t = new TextTable(List.of("preset", "array", "G", "scratchpad", "accumulator", "clock", "DRAM", "weights", "PEs, DRAM, energy",
                    "description"), List.of(l, r, r, r, r, r, r, l, l, l));
            for (String name : NpuPresets.names()) {
                NpuConfig c = NpuPresets.load(name);
                t.row(name, c.arrayRows() + "x" + c.arrayCols(), Integer.toString(c.groupWidth()), c.scratchpadKiB() + " KiB",
                        c.accumulatorKiB() + " KiB", String.format(Locale.ROOT, "%.0f MHz", c.clockMHz()),
                        c.idealMemory() ? "ideal" : String.format(Locale.ROOT, "%.0f GB/s, %d cycles", c.dramBandwidthGBps(), c.dramLatencyCycles()),
                        c.weightDoubleBuffering() ? "double-buffered" : "single", c.peType() + ", " + c.dramType() + ", " + c.energyModel(),
                        c.description());
            }
            spec.commandLine().getOut().print(t.render());
        }
    }
}
