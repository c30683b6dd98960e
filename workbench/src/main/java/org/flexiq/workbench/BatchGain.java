package org.flexiq.workbench;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;

import java.util.List;

/**
 * What a batch buys at one ratio: the batched program's run against the one-image program's (both timed by the fast engine,
 * which counts what the cycle engine does), per inference.
 *
 * @param batchCycles  one run of the program compiled for {@code batch} images
 * @param singleCycles one run of the program compiled for one image
 */
public record BatchGain(String profile, int batch, long batchCycles, long singleCycles, double clockMHz) {
    /** Each asked ratio's run of the batched program beside the one-image program at that ratio. */
    public static List<BatchGain> of(List<RunStats> batchRuns, NpuProgram single, NpuConfig npu, Extraction extraction, int batch) {
        return batchRuns.parallelStream().map(r -> new BatchGain(r.profile(), batch, r.cycles(),
                FastEngine.run(single, npu, r.profile(), NpuRuns.mode(extraction)).cycles(), npu.clockMHz())).toList();
    }

    /** Microseconds per inference within the batch. */
    public double perInferenceUs() {
        return batchCycles / clockMHz / batch;
    }

    /** Microseconds of one inference on its own. */
    public double singleUs() {
        return singleCycles / clockMHz;
    }

    /** Inferences per second, back-to-back batches. */
    public double inferencesPerSecond() {
        return 1e6 / perInferenceUs();
    }

    /** The batch's throughput over one image at a time. */
    public double throughputGain() {
        return (double) batch * singleCycles / batchCycles;
    }
}
