package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.CycleEngine;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.workloads.ir.FloatTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One compiled model timed at several 4-bit ratios on one NPU, by either engine, and each ratio's outputs checked
 * against the golden executor: what {@code sim run} prints.
 *
 * @param runs one per asked ratio, in the order asked
 * @param base the ratio-0 run every speed-up is over (a cold ratio-0 run where a schedule or the asked ratios lack one)
 * @param matched per ratio, whether the outputs equal the golden executor's; empty where nothing was checked
 */
public record NpuRuns(List<RunStats> runs, RunStats base, List<Boolean> matched) {
    public NpuRuns {
        runs = List.copyOf(runs);
        matched = List.copyOf(matched);
    }

    /**
     * What the runs ask of an engine; {@code inputs} are the check's inputs, one per image of the program's batch (null where
     * the fast engine checks nothing); {@code eightBit} the program whose ratio-0 run is the baseline: {@code program} itself,
     * or the full program where {@code program} was compiled for a ratio floor ({@link FloorPrograms}) and serves no 8-bit run.
     */
    public record Request(QuantizedModel model, NpuProgram program, NpuConfig npu, List<Double> ratios, Engine engine, Extraction extraction,
                          boolean schedule, boolean check, List<Map<String, FloatTensor>> inputs, NpuProgram eightBit) {
        /** Runs of a one-image program that serves ratio 0 itself. */
        public Request(QuantizedModel model, NpuProgram program, NpuConfig npu, List<Double> ratios, Engine engine, Extraction extraction,
                       boolean schedule, boolean check, Map<String, FloatTensor> input) {
            this(model, program, npu, ratios, engine, extraction, schedule, check, input == null ? null : List.of(input), program);
        }

        public Request {
            ratios = List.copyOf(ratios);
            inputs = inputs == null ? null : List.copyOf(inputs);
            if ((engine == Engine.CYCLE || check) && inputs == null) {
                throw new IllegalArgumentException("the cycle engine and the check compute values: they need an input");
            }
            if (engine == Engine.CYCLE && schedule) {
                throw new IllegalArgumentException("a ratio schedule runs on the fast engine");
            }
        }
    }

    public static NpuRuns run(Request q) {
        int mode = mode(q.extraction());
        List<String> profiles = q.ratios().stream().map(NpuCompiler::profileName).toList();
        List<RunStats> runs = new ArrayList<>();
        List<Boolean> matched = new ArrayList<>();
        RunStats base;
        if (q.engine() == Engine.CYCLE) {
            // the cycle engine computes the values itself: its outputs are what is checked
            for (double r : q.ratios()) {
                GoldenExecutor golden = new GoldenExecutor(q.model(), r, q.extraction());
                CycleEngine.Result res = CycleEngine.run(q.program(), q.npu(), NpuCompiler.profileName(r), mode,
                        FunctionalComparison.codes(golden, q.program(), q.inputs()));
                runs.add(res.stats());
                if (q.check()) {
                    matched.add(FunctionalComparison.sameOutputs(FunctionalComparison.goldenOutputs(golden, q.inputs()), res.outputs()));
                }
            }
            base = q.ratios().contains(0.0) ? runs.get(q.ratios().indexOf(0.0)) : cycle(q.model(), q.eightBit(), q.npu(), 0, q.extraction(), q.inputs());
        } else {
            if (q.schedule()) {
                runs.addAll(FastEngine.schedule(q.program(), q.npu(), profiles, mode));
            } else {
                // ratios are independent runs: both cores, results in the order asked
                runs.addAll(profiles.parallelStream().map(p -> FastEngine.run(q.program(), q.npu(), p, mode)).toList());
            }
            base = !q.schedule() && q.ratios().contains(0.0) ? runs.get(q.ratios().indexOf(0.0)) : FastEngine.run(q.eightBit(), q.npu(), "0", mode);
            if (q.check()) {
                matched.addAll(q.ratios().parallelStream().map(r -> q.inputs().size() == 1
                        ? FunctionalComparison.run(q.model(), q.program(), r, q.extraction(), q.inputs().get(0)).matched()
                        : FunctionalComparison.batched(q.model(), q.program(), r, q.extraction(), q.inputs()).matched() == q.inputs().size()).toList());
            }
        }
        return new NpuRuns(runs, base, matched);
    }

    /** One ratio on one engine, timing only; the cycle engine steps the values of {@code input} (ignored by the fast engine). */
    public static RunStats time(QuantizedModel model, NpuProgram program, NpuConfig npu, double ratio, Engine engine, Extraction extraction,
                                Map<String, FloatTensor> input) {
        return time(model, program, npu, ratio, engine, extraction, input == null ? null : List.of(input));
    }

    /** {@link #time(QuantizedModel, NpuProgram, NpuConfig, double, Engine, Extraction, Map)} of a batched program: one input per image. */
    public static RunStats time(QuantizedModel model, NpuProgram program, NpuConfig npu, double ratio, Engine engine, Extraction extraction,
                                List<Map<String, FloatTensor>> inputs) {
        return engine == Engine.FAST ? FastEngine.run(program, npu, NpuCompiler.profileName(ratio), mode(extraction))
                : cycle(model, program, npu, ratio, extraction, inputs);
    }

    private static RunStats cycle(QuantizedModel model, NpuProgram program, NpuConfig npu, double ratio, Extraction extraction,
                                  List<Map<String, FloatTensor>> inputs) {
        GoldenExecutor golden = new GoldenExecutor(model, ratio, extraction);
        return CycleEngine.run(program, npu, NpuCompiler.profileName(ratio), mode(extraction), FunctionalComparison.codes(golden, program, inputs))
                .stats();
    }

    /** The functional executor's extraction mode for an extraction the NPU runs (static or dynamic). */
    public static int mode(Extraction extraction) {
        return extraction == Extraction.DYNAMIC ? FunctionalExecutor.DYNAMIC : FunctionalExecutor.STATIC;
    }
}
