package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.RunStats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A run's energy: every layer's counts times the table's energies, by component, and the figures derived from them
 * with the table's area. Nothing here is estimated apart from the table: energy = Σ count x pJ.
 */
public record EnergyReport(EnergyTable table, RunStats run, List<LayerEnergy> layers) {
    public EnergyReport {
        layers = List.copyOf(layers);
    }

    /** One layer's energy by component, in pJ. */
    public record LayerEnergy(String name, Map<EnergyComponent, Double> pj) {
        public LayerEnergy {
            pj = Collections.unmodifiableMap(new EnumMap<>(pj));
        }

        public double totalPj() {
            return pj.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    public static EnergyReport of(EnergyTable t, RunStats run) {
        if (t.npu().arrayRows() != run.config().arrayRows() || t.npu().arrayCols() != run.config().arrayCols()
                || t.npu().clockMHz() != run.config().clockMHz()) {
            throw new ConfigException(t.source() + ": the table is for " + t.npu().name() + " " + t.npu().arrayRows() + "x" + t.npu().arrayCols()
                    + " at " + t.npu().clockMHz() + " MHz, the run is on " + run.config().arrayRows() + "x" + run.config().arrayCols() + " at "
                    + run.config().clockMHz() + " MHz");
        }
        if (t.pe() == PeType.INT8 && run.int4Macs() > 0) {
            throw new ConfigException(t.source() + ": plain int8 PEs have no int4 lanes, but the run at ratio " + run.profile() + " does "
                    + run.int4Macs() + " int4 MACs (run it at ratio 0)");
        }
        List<LayerEnergy> out = new ArrayList<>();
        for (LayerStats l : run.layers()) {
            Map<EnergyComponent, Double> m = new EnumMap<>(EnergyComponent.class);
            for (EnergyComponent c : EnergyComponent.values()) {
                m.put(c, 0.0);
            }
            for (EnergyAction a : EnergyAction.values()) {
                m.merge(a.part(), a.count(l) * t.pj(a), Double::sum);
            }
            out.add(new LayerEnergy(l.name(), m));
        }
        return new EnergyReport(t, run, out);
    }

    public double totalPj() {
        return layers.stream().mapToDouble(LayerEnergy::totalPj).sum();
    }

    public Map<EnergyComponent, Double> byComponent() {
        Map<EnergyComponent, Double> m = new EnumMap<>(EnergyComponent.class);
        for (EnergyComponent c : EnergyComponent.values()) {
            m.put(c, 0.0);
        }
        for (LayerEnergy l : layers) {
            l.pj().forEach((c, v) -> m.merge(c, v, Double::sum));
        }
        return m;
    }

    /** Energy per useful MAC (int8 and int4 alike). */
    public double pjPerMac() {
        long macs = run.int8Macs() + run.int4Macs();
        return macs == 0 ? 0 : totalPj() / macs;
    }

    /** Useful operations (2 per MAC) per joule, in TOPS/W: 2 MACs / pJ. */
    public double topsPerWatt() {
        double e = totalPj();
        return e == 0 ? 0 : 2.0 * (run.int8Macs() + run.int4Macs()) / e;
    }

    public double areaMm2() {
        return table.totalMm2();
    }

    /** Average power over the inference, in mW (pJ per us is uW). */
    public double powerMw() {
        double us = run.latencyMicroseconds();
        return us == 0 ? 0 : totalPj() / us / 1000;
    }

    /** Energy x delay, in pJ·s. */
    public double energyDelayPjS() {
        return totalPj() * run.latencyMicroseconds() * 1e-6;
    }

    /** Delivered TOPS (2 per useful MAC over the latency) per mm². */
    public double topsPerMm2() {
        double us = run.latencyMicroseconds();
        return us == 0 ? 0 : 2.0 * (run.int8Macs() + run.int4Macs()) / (us * 1e6) / areaMm2();
    }

    /** Inferences per second per mm². */
    public double inferencesPerSecondPerMm2() {
        double us = run.latencyMicroseconds();
        return us == 0 ? 0 : 1e6 / us / areaMm2();
    }
}
