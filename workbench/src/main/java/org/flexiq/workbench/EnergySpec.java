package org.flexiq.workbench;

import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.AccelergyTables;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.simulator.energy.PeType;

import java.nio.file.Path;
import java.util.List;

/**
 * Which energy model a command uses, over what the NPU config names (its energy parameter set, DRAM and PE type):
 * another parameter set (shipped name or .json) or an Accelergy ERT (.yaml, with an optional ART for the areas),
 * the node and supply to evaluate a parameter set at, and the DRAM and PE type. A null field keeps the config's
 * (or the set's) own.
 */
public record EnergySpec(String energy, Path art, Double nodeNm, Double vdd, String dram, String pe) {
    public static final EnergySpec DEFAULT = new EnergySpec(null, null, null, null, null, null);

    public boolean isErt() {
        return energy != null && (energy.endsWith(".yaml") || energy.endsWith(".yml"));
    }

    /** The NPU with this spec's parameter set, DRAM and PE type (a plain int8 PE changes its timing too: no 4-bit folds). */
    public NpuConfig configure(NpuConfig npu) {
        if (pe != null) {
            PeType.of("--pe", pe);
        }
        if (art != null && !isErt()) {
            throw new BadInputException("--art goes with an ERT given to --energy");
        }
        return npu.withEnergy(isErt() ? null : energy, dram, pe);
    }

    /**
     * The parameter set of the configured {@code npu}, at the asked node and supply; an ERT is a table for one NPU,
     * not parameters, and is refused here.
     */
    public EnergyParameters parameters(String option, NpuConfig npu) {
        if (isErt()) {
            throw new BadInputException(option + ": " + energy + " is an ERT, priced for one NPU; this command needs a parameter set "
                    + "(" + EnergyParameters.DEFAULT + " or a .json), whose SRAM and area models follow each array");
        }
        EnergyParameters p = EnergyParameters.load(configure(npu).energyModel());
        if (nodeNm != null || vdd != null) {
            p = p.withNode(nodeNm != null ? nodeNm : p.technologyNm(), vdd != null ? vdd : p.vdd());
        }
        return p;
    }

    /**
     * The same model with plain int8 PEs, for the "is the dual-int4 PE worth it" comparison; null when an ART gives
     * the areas (it prices one PE type only).
     */
    public EnergySpec int8Pe() {
        return isErt() && art != null ? null : new EnergySpec(energy, art, nodeNm, vdd, dram, PeType.INT8.id());
    }

    /**
     * Timed runs priced: each run's energy, and the ratio-0 run {@code base} priced on plain int8 PEs (null where an
     * ART prices one PE type only).
     */
    public record Priced(EnergyTable table, List<EnergyReport> runs, EnergyReport int8Base) {
        public Priced {
            runs = List.copyOf(runs);
        }
    }

    public Priced price(NpuConfig npu, List<RunStats> runs, RunStats base) {
        EnergyTable t = table(npu);
        EnergySpec int8 = int8Pe();
        return new Priced(t, runs.stream().map(r -> EnergyReport.of(t, r)).toList(), int8 == null ? null : EnergyReport.of(int8.table(npu), base));
    }

    /** The table for {@code npu} (configured here): from the parameter set, or from the ERT (and ART) over the set's areas. */
    public EnergyTable table(NpuConfig npu) {
        NpuConfig c = configure(npu);
        if (!isErt()) {
            return EnergyTable.of(parameters("--energy", npu), c);
        }
        if (nodeNm != null || vdd != null || dram != null) {
            throw new BadInputException("--node, --vdd and --dram evaluate a parameter set; an ERT's energies are already at its node and DRAM");
        }
        return AccelergyTables.apply(EnergyTable.of(EnergyParameters.load(c.energyModel()), c), Path.of(energy), art);
    }
}
