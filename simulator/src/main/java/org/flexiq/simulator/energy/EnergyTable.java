package org.flexiq.simulator.energy;

import org.flexiq.simulator.NpuConfig;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The energy of each {@link EnergyAction} (pJ per occurrence) and the area of each {@link AreaItem} (um²) for one
 * NPU at one node: what Accelergy calls its ERT and ART. {@link #of} derives it from published parameters;
 * {@link AccelergyTables} reads and writes it as YAML, so that a user's own tables drive the model.
 *
 * @param source where the values come from (a parameter set, or the ERT/ART files)
 */
public record EnergyTable(String source, NpuConfig npu, double technologyNm, PeType pe, Map<EnergyAction, Double> pj,
                          Map<AreaItem, Double> um2) {
    public EnergyTable {
        pj = Collections.unmodifiableMap(new EnumMap<>(pj));
        um2 = Collections.unmodifiableMap(new EnumMap<>(um2));
        for (EnergyAction a : EnergyAction.values()) {
            if (!pj.containsKey(a)) {
                throw new IllegalArgumentException(source + ": no energy for " + a.component() + "." + a.action());
            }
        }
        for (AreaItem i : AreaItem.values()) {
            if (!um2.containsKey(i)) {
                throw new IllegalArgumentException(source + ": no area for " + i.component());
            }
        }
    }

    /** The published parameters evaluated at their node and supply, for {@code npu}'s array, memories, clock, DRAM and PEs. */
    public static EnergyTable of(EnergyParameters p, NpuConfig npu) {
        double nm = p.technologyNm();
        double v = p.vdd();
        PeType pe = npu.pe();
        Map<AreaItem, Double> area = new EnumMap<>(AreaItem.class);
        double sramScale = TechnologyScaling.area(p.sram().areaNm(), nm);
        area.put(AreaItem.PE, p.peInt8().at(nm) + (pe == PeType.DUAL_INT4 ? p.int4LaneExtra().at(nm) : 0));
        area.put(AreaItem.SCRATCHPAD, p.sram().areaUm2(npu.scratchpadKiB()) * sramScale);
        area.put(AreaItem.ACCUMULATOR, p.sram().areaUm2(npu.accumulatorKiB()) * sramScale);
        area.put(AreaItem.VECTOR_UNIT, npu.vectorLanes() * (p.vectorLaneMultiplier().at(nm) + p.adder().at(nm)));
        // the group shift sits at the foot of each column; a plain int8 array has none
        area.put(AreaItem.SHIFTERS, pe == PeType.DUAL_INT4 ? npu.arrayCols() * p.adder().at(nm) : 0.0);
        area.put(AreaItem.TRANSPOSER, 8.0 * npu.arrayRows() * npu.arrayRows() * p.registerBitArea().at(nm));

        Map<EnergyAction, Double> e = new EnumMap<>(EnergyAction.class);
        double bit = p.registerBit().at(nm, v);
        e.put(EnergyAction.MAC_INT8, p.macInt8().at(nm, v));
        e.put(EnergyAction.MAC_INT4, p.macInt4().at(nm, v));
        e.put(EnergyAction.WEIGHT_WRITE, 8 * bit);
        e.put(EnergyAction.ACCUMULATE_ADD, p.accumulateAdd().at(nm, v));
        e.put(EnergyAction.GROUP_SHIFT, p.groupShift().at(nm, v));
        e.put(EnergyAction.EXTRACT, p.extract().at(nm, v));
        e.put(EnergyAction.REORDER, 8 * bit);
        e.put(EnergyAction.REQUANT, p.requant().at(nm, v));
        e.put(EnergyAction.VECTOR_OP, p.vectorOp().at(nm, v));
        SramModel s = p.sram();
        double sramEnergy = TechnologyScaling.energy(s.nm(), s.vdd(), nm, v);
        double spBank = npu.scratchpadKiB() / (double) npu.scratchpadBanks();
        int spBits = 8 * npu.arrayRows();
        int accBits = 32 * npu.arrayCols();
        e.put(EnergyAction.SCRATCHPAD_READ, s.readPj(spBank, spBits) * sramEnergy);
        e.put(EnergyAction.SCRATCHPAD_WRITE, s.writePj(spBank, spBits) * sramEnergy);
        e.put(EnergyAction.ACCUMULATOR_READ, s.readPj(npu.accumulatorKiB(), accBits) * sramEnergy);
        e.put(EnergyAction.ACCUMULATOR_WRITE, s.writePj(npu.accumulatorKiB(), accBits) * sramEnergy);
        // DRAM energy is the interface's and the device's: it does not follow the accelerator's node
        double dram = 8 * p.dramPjPerBit(npu.dramType());
        e.put(EnergyAction.DRAM_READ, dram);
        e.put(EnergyAction.DRAM_WRITE, dram);
        e.put(EnergyAction.REGISTER_WRITE, 32 * bit);
        // a byte through the transposer is written into its register and read out of it
        e.put(EnergyAction.TRANSPOSE, 16 * bit);
        double mm2 = totalMm2(npu, area);
        // mW over MHz is nJ per cycle
        e.put(EnergyAction.LEAK, p.leakage().mwPerMm2At(nm, v) * mm2 / npu.clockMHz() * 1000);
        return new EnergyTable(p.name() + " at " + fmt(nm) + " nm, " + fmt(v) + " V, " + npu.dramType() + ", " + pe.id() + " PEs", npu, nm, pe, e,
                area);
    }

    /** The chip's area in mm²: R C PEs and the rest. */
    public double totalMm2() {
        return totalMm2(npu, um2);
    }

    /** Each part's area in mm² (the PE array whole). */
    public double mm2(AreaItem i) {
        return (i == AreaItem.PE ? (double) npu.arrayRows() * npu.arrayCols() : 1) * um2.get(i) / 1e6;
    }

    private static double totalMm2(NpuConfig npu, Map<AreaItem, Double> um2) {
        double s = 0;
        for (Map.Entry<AreaItem, Double> x : um2.entrySet()) {
            s += (x.getKey() == AreaItem.PE ? (double) npu.arrayRows() * npu.arrayCols() : 1) * x.getValue();
        }
        return s / 1e6;
    }

    public double pj(EnergyAction a) {
        return pj.get(a);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
