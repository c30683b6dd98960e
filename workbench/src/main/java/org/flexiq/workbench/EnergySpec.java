package org.flexiq.workbench;

import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.energy.AccelergyTables;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.simulator.energy.PeType;

import java.nio.file.Path;

/**
 * Which energy model a run uses: a parameter set (shipped name or .json) or an Accelergy ERT (.yaml, with an
 * optional ART for the areas), and the node, supply, DRAM type and PE type to evaluate a parameter set at. A null
 * override keeps the set's own value.
 */
public record EnergySpec(String energy, Path art, Double nodeNm, Double vdd, String dram, String pe) {
    public static final EnergySpec DEFAULT = new EnergySpec(EnergyParameters.DEFAULT, null, null, null, null, null);

    public boolean isErt() {
        return energy.endsWith(".yaml") || energy.endsWith(".yml");
    }

    /** The parameter set with the overrides; an ERT is a table for one NPU, not parameters, and is refused here. */
    public EnergyParameters parameters(String option) {
        if (isErt()) {
            throw new BadInputException(option + ": " + energy + " is an ERT, priced for one NPU; this command needs a parameter set "
                    + "(" + EnergyParameters.DEFAULT + " or a .json), whose SRAM and area models follow each array");
        }
        if (art != null) {
            throw new BadInputException("--art goes with an ERT given to --energy");
        }
        EnergyParameters p = EnergyParameters.load(energy);
        if (nodeNm != null || vdd != null) {
            p = p.withNode(nodeNm != null ? nodeNm : p.technologyNm(), vdd != null ? vdd : p.vdd());
        }
        if (dram != null) {
            p = p.withDram(dram);
        }
        if (pe != null) {
            p = p.withPe(PeType.of("--pe", pe));
        }
        return p;
    }

    /**
     * The same model with plain int8 PEs, for the "is the dual-int4 PE worth it" comparison; null when an ART gives
     * the areas (it prices one PE type only).
     */
    public EnergySpec int8Pe() {
        return isErt() && art != null ? null : new EnergySpec(energy, art, nodeNm, vdd, dram, "int8");
    }

    /** The table for {@code npu}: from the parameter set, or from the ERT (and ART) over the default set's areas. */
    public EnergyTable table(NpuConfig npu) {
        if (!isErt()) {
            return EnergyTable.of(parameters("--energy"), npu);
        }
        if (nodeNm != null || vdd != null || dram != null) {
            throw new BadInputException("--node, --vdd and --dram evaluate a parameter set; an ERT's energies are already at its node");
        }
        EnergyParameters base = EnergyParameters.load(EnergyParameters.DEFAULT);
        if (pe != null) {
            base = base.withPe(PeType.of("--pe", pe));
        }
        return AccelergyTables.apply(EnergyTable.of(base, npu), Path.of(energy), art);
    }
}
