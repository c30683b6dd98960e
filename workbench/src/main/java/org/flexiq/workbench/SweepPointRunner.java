package org.flexiq.workbench;

import org.flexiq.compiler.lower.InfeasibleException;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.reports.SweepPoint;
import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.simulator.energy.PeType;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a sweep unit into its points: quantize (cached; timing-only on the fast engine), compile for the unit's array and G (and the
 * plan's ratio floor), time ratio 0 and each asked ratio. A unit the hardware or the model cannot take gives infeasible points with the reason.
 */
public final class SweepPointRunner {
    private final SweepPlan plan;
    private final QuantizedModel fixed;
    private final String modelName;
    private final ModelCache cache;

    /** @param fixed the plan's model when it is already quantized (its own G only), else null */
    public SweepPointRunner(SweepPlan plan, QuantizedModel fixed, String modelName, ModelCache cache) {
        this.plan = plan;
        this.fixed = fixed;
        this.modelName = modelName;
        this.cache = cache;
    }

    public List<SweepPoint> run(SweepUnit u, List<Double> ratios) throws Exception {
        List<SweepPoint> done = new ArrayList<>();
        try {
            NpuConfig c = plan.preset().with(u.rows(), u.cols(), u.group());
            if (fixed != null && fixed.groupWidth() != u.group()) {
                throw new InfeasibleException(plan.model() + " is quantized with G = " + fixed.groupWidth() + "; sweep group widths from a "
                        + "float model or zoo name, which is quantized for each");
            }
            // the fast engine needs cycles alone: the model's shapes and counts, not its values
            QuantizedModel q = fixed != null ? fixed : plan.engine() == Engine.FAST ? cache.timingOnly(plan.model(), u.group(), plan.storedRatios())
                    : cache.quantized(plan.model(), u.group(), plan.seed(), plan.storedRatios());
            FloorPrograms programs = FloorPrograms.compile(q, c, plan.minRatio(), "--min-ratio", plan.batch());
            NpuProgram p = programs.floor().program();
            // the speed-up's base is the 8-bit run of the program that serves every ratio, whatever the floor
            RunStats base = time(q, programs.full().program(), c, 0);
            EnergyTable priced = EnergyTable.of(plan.energy(), c);
            EnergyTable int8 = EnergyTable.of(plan.energy(), c.withEnergy(null, null, PeType.INT8.id()));
            EnergyReport int8Base = EnergyReport.of(int8, base);
            for (double r : ratios) {
                RunStats run;
                try {
                    run = r == 0 ? base : time(q, p, c, r);
                } catch (ConfigException ex) {
                    // the machine refuses this ratio alone (plain int8 PEs have no 4-bit folds); ratio 0 stands
                    done.add(SweepPoint.infeasible(modelName, c.name(), u.rows(), u.cols(), u.group(), r, ex.getMessage(), plan.minRatio(), plan.batch()));
                    continue;
                }
                done.add(SweepPoint.of(modelName, run, base, EnergyReport.of(priced, run), int8Base, plan.minRatio(), plan.batch()));
            }
        } catch (InfeasibleException | ConfigException ex) {
            done.clear();
            for (double r : ratios) {
                done.add(SweepPoint.infeasible(modelName, plan.preset().name(), u.rows(), u.cols(), u.group(), r, ex.getMessage(),
                        plan.minRatio(), plan.batch()));
            }
        }
        return done;
    }

    private RunStats time(QuantizedModel q, NpuProgram p, NpuConfig c, double ratio) {
        // the cycle engine steps values: synthetic inputs, one per image, the same for every point of the plan
        var inputs = plan.engine() == Engine.FAST ? null : CalibrationData.load("synthetic:" + plan.batch(), q.graph(), plan.seed());
        return NpuRuns.time(q, p, c, ratio, plan.engine(), plan.extraction(), inputs);
    }
}
