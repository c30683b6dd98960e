package org.flexiq.simulator;

import org.flexiq.isa.Target;

/**
 * One NPU: the array, the group width its dual-int4 mode is built for, the memories, the vector unit and
 * the clock and DRAM. Every field's unit is in its name. Presets are JSON files ({@link NpuPresets}).
 *
 * @param energyModel the energy parameter set it is priced with (a shipped name or a .json; simulator/README.md)
 * @param dramType    the DRAM's kind, for its energy per bit (LPDDR4, HBM2, ...)
 * @param peType      dual-int4 (FlexiQ's PE: an int8 MAC with a second int4 lane) or int8 (plain PEs, which have no
 *                    4-bit mode: the engines refuse int4 folds on them)
 */
public record NpuConfig(String name, String description, int arrayRows, int arrayCols, int groupWidth, int scratchpadKiB,
                        int scratchpadBanks, int accumulatorKiB, int vectorLanes, double clockMHz, double dramBandwidthGBps,
                        int dramLatencyCycles, boolean weightDoubleBuffering, boolean idealMemory, String energyModel, String dramType,
                        String peType) {
    public static final String DEFAULT_ENERGY_MODEL = "published-45nm";
    public static final String DEFAULT_DRAM = "LPDDR4";

    public NpuConfig {
        if (energyModel == null || energyModel.isBlank() || dramType == null || dramType.isBlank()) {
            throw new ConfigException(name + ": energyModel and dramType must be named");
        }
        org.flexiq.simulator.energy.PeType.of(name, peType);
        // a compact constructor has not assigned its fields yet: the checks take the name as an argument
        positive(name, "arrayRows", arrayRows, 4096);
        positive(name, "arrayCols", arrayCols, 4096);
        positive(name, "groupWidth", groupWidth, 65535);
        positive(name, "scratchpadKiB", scratchpadKiB, 16384);
        positive(name, "scratchpadBanks", scratchpadBanks, 1024);
        positive(name, "accumulatorKiB", accumulatorKiB, 1 << 20);
        positive(name, "vectorLanes", vectorLanes, 4096);
        if (!(clockMHz > 0 && Double.isFinite(clockMHz)) || !(dramBandwidthGBps > 0 && Double.isFinite(dramBandwidthGBps)) || dramLatencyCycles < 0) {
            throw new ConfigException(name + ": clockMHz and dramBandwidthGBps must be positive and finite, dramLatencyCycles not negative");
        }
        if (groupWidth % 2 != 0) {
            throw new ConfigException(name + ": groupWidth " + groupWidth + " is odd: a dual-int4 PE takes channels in pairs");
        }
        int fold = 2 * arrayRows;
        if (groupWidth > fold && groupWidth % fold != 0) {
            throw new ConfigException(name + ": groupWidth " + groupWidth + " does not divide into the array's 2 x " + arrayRows
                    + " = " + fold + " int4 lanes (a fold would mix two groups' shifts); use a divisor or a multiple of " + fold);
        }
        if ((long) accumulatorKiB * 1024 / (4L * arrayCols) < 1) {
            throw new ConfigException(name + ": accumulatorKiB " + accumulatorKiB + " holds no row of " + arrayCols + " int32");
        }
    }

    private static void positive(String name, String field, int v, int max) {
        if (v < 1 || v > max) {
            throw new ConfigException(name + ": " + field + " = " + v + " is not in [1, " + max + "]");
        }
    }

    /** What a compiled program may assume of this machine. */
    /** The DMA's bytes per array cycle (infinite with ideal memory): the rate the compiler chooses its tilings for. */
    public double dramBytesPerCycle() {
        return idealMemory ? Double.POSITIVE_INFINITY : dramBandwidthGBps * 1000.0 / clockMHz;
    }

    public Target target() {
        return new Target(arrayRows, arrayCols, scratchpadKiB * 1024, accumulatorKiB * 1024 / (4 * arrayCols));
    }

    /** Refuses a program compiled for another machine (array, scratchpad or accumulator differ). */
    public void checkRuns(org.flexiq.isa.NpuProgram program) {
        if (!program.target().equals(target())) {
            throw new ConfigException(name + ": the program was compiled for " + program.target() + ", this NPU is " + target());
        }
    }

    public org.flexiq.simulator.energy.PeType pe() {
        return org.flexiq.simulator.energy.PeType.of(name, peType);
    }

    /** This NPU priced with another energy parameter set, DRAM or PE type (null keeps the field). */
    public NpuConfig withEnergy(String model, String dram, String pe) {
        return new NpuConfig(name, description, arrayRows, arrayCols, groupWidth, scratchpadKiB, scratchpadBanks, accumulatorKiB, vectorLanes,
                clockMHz, dramBandwidthGBps, dramLatencyCycles, weightDoubleBuffering, idealMemory, model != null ? model : energyModel,
                dram != null ? dram : dramType, pe != null ? pe : peType);
    }

    public NpuConfig withArray(int rows, int cols) {
        return with(rows, cols, groupWidth);
    }

    /** Another array and group width at once (each alone might not suit the other). */
    public NpuConfig with(int rows, int cols, int g) {
        return new NpuConfig(name, description, rows, cols, g, scratchpadKiB, scratchpadBanks, accumulatorKiB, vectorLanes,
                clockMHz, dramBandwidthGBps, dramLatencyCycles, weightDoubleBuffering, idealMemory, energyModel, dramType, peType);
    }

    public NpuConfig withGroupWidth(int g) {
        return with(arrayRows, arrayCols, g);
    }

    public NpuConfig withClock(double mhz, double dramGBps) {
        return new NpuConfig(name, description, arrayRows, arrayCols, groupWidth, scratchpadKiB, scratchpadBanks, accumulatorKiB,
                vectorLanes, mhz, dramGBps, dramLatencyCycles, weightDoubleBuffering, idealMemory, energyModel, dramType, peType);
    }
}
