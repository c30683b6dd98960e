package org.flexiq.cli;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.TextTable;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.energy.AccelergyTables;
import org.flexiq.simulator.energy.AreaItem;
import org.flexiq.simulator.energy.EnergyAction;
import org.flexiq.simulator.energy.EnergyTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "energy", mixinStandardHelpOptions = true,
        description = "The energy and area table an NPU is priced with: pJ per action and um² per part at the chosen node, supply, DRAM "
                + "and PE type; --write-ert writes it as Accelergy ERT.yaml and ART.yaml, to edit or to replace with your own tables.")
final class EnergyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Mixin
    EnergyOptions energy = new EnergyOptions();

    @Option(names = "--write-ert", converter = OutputPaths.Folder.class, paramLabel = "DIR", description = "Write DIR/ERT.yaml and DIR/ART.yaml (Accelergy 0.3 form).")
    Path writeErt;

    @Override
    public Integer call() throws IOException {
        NpuConfig c = energy.spec().configure(npu.config(null));
        EnergyTable t = energy.spec().table(c);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s (%dx%d, %d KiB scratchpad in %d banks, %d KiB accumulator, %d vector lanes, %.0f MHz): %s%n", c.name(),
                c.arrayRows(), c.arrayCols(), c.scratchpadKiB(), c.scratchpadBanks(), c.accumulatorKiB(), c.vectorLanes(), c.clockMHz(), t.source());
        TextTable.Align l = TextTable.Align.LEFT;
        TextTable.Align r = TextTable.Align.RIGHT;
        TextTable e = new TextTable(List.of("component", "action", "pJ", "per"), List.of(l, l, r, l));
        for (EnergyAction a : EnergyAction.values()) {
            e.row(a.component(), a.action(), String.format(Locale.ROOT, "%.4g", t.pj(a)), a.per());
        }
        out.print(e.render());
        TextTable a = new TextTable(List.of("part", "um2 each", "mm2", "share"), List.of(l, r, r, r));
        for (AreaItem i : AreaItem.values()) {
            a.row(i.label(), String.format(Locale.ROOT, "%.1f", t.um2().get(i)), String.format(Locale.ROOT, "%.4f", t.mm2(i)),
                    RunCommand.percent(t.mm2(i) / t.totalMm2()));
        }
        a.footer("total", "", String.format(Locale.ROOT, "%.4f", t.totalMm2()), "100.0%");
        out.println();
        out.print(a.render());
        if (writeErt != null) {
            AtomicFiles.write(writeErt.resolve("ERT.yaml"), AccelergyTables.ert(t));
            AtomicFiles.write(writeErt.resolve("ART.yaml"), AccelergyTables.art(t));
            out.printf(Locale.ROOT, "wrote %s and %s%n", writeErt.resolve("ERT.yaml"), writeErt.resolve("ART.yaml"));
        }
        return Sim.OK;
    }
}
