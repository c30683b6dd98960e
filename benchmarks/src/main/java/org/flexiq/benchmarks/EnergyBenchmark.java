package org.flexiq.benchmarks;

import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What pricing a run costs beside timing it: the fast engine alone (its planner counts the energy events either
 * way) and the fast engine followed by the energy report, on flexiq-npu (its array resized by {@code array}: a sweep's
 * small arrays run many more folds per inference). The planner's counting itself is measured against the commit before
 * it with FunctionalExecutorBenchmark.fastEngine (simulator/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnergyBenchmark {
    @Param({"resnet18:64", "vit-s16:64"})
    public String model;

    @Param({"0.5"})
    public String ratio;

    @Param({"32x32"})
    public String array;

    private CompiledWorkload w;
    private NpuConfig config;
    private EnergyTable table;

    @Setup
    public void setUp() {
        String[] rc = array.split("x");
        config = NpuPresets.load("flexiq-npu").withArray(Integer.parseInt(rc[0]), Integer.parseInt(rc[1]));
        w = CompiledWorkload.of(model, config.target());
        table = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), config);
    }

    @Benchmark
    public RunStats fastEngine() {
        return FastEngine.run(w.program(), config, ratio, FunctionalExecutor.STATIC);
    }

    @Benchmark
    public EnergyReport fastEngineAndEnergy() {
        return EnergyReport.of(table, FastEngine.run(w.program(), config, ratio, FunctionalExecutor.STATIC));
    }
}
