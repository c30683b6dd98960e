package org.flexiq.cli;

import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.workbench.EnergySpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The energy model's options, shared by run, sweep, tradeoff and energy. */
final class EnergyOptions {
    @Option(names = "--energy", paramLabel = "SET|FILE.json|ERT.yaml",
            description = "Energy parameters: a shipped set (" + EnergyParameters.DEFAULT + "), a .json of the same form, or an Accelergy "
                    + "ERT naming every action (sim energy --write-ert writes one to start from) (default: the NPU config's energyModel).")
    String energy;

    @Option(names = "--art", paramLabel = "ART.yaml", description = "With an ERT: an Accelergy ART for the areas (else the default set's).")
    Path art;

    @Option(names = "--node", paramLabel = "NM", description = "Technology node to scale the parameters to (Stillmaker & Baas; 7 to 130 nm).")
    Double node;

    @Option(names = "--vdd", paramLabel = "V", description = "Supply voltage at that node (default: the set's).")
    Double vdd;

    @Option(names = "--dram", paramLabel = "TYPE", description = "DRAM type for pJ per bit: LPDDR4, LPDDR, DDR3, GDDR5, HBM2, HMC (default: the NPU config's).")
    String dram;

    @Option(names = "--pe", paramLabel = "TYPE", description = "PE type: dual-int4 (FlexiQ) or int8 (plain PEs: no 4-bit mode, ratio 0 "
            + "only) (default: the NPU config's).")
    String pe;

    EnergySpec spec() {
        return new EnergySpec(energy, art, node, vdd, dram, pe);
    }
}
