package org.flexiq.workbench;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.energy.EnergyParameters;

import java.util.List;

/**
 * One model's latency/accuracy trade-off on one NPU: which selections, ratios and extractions to measure.
 *
 * @param model          a float .flx or zoo name (quantized here with real calibration), or a quantized .flx
 *                       (its stored ratios; methods other than its own are selected again from its int8 model)
 * @param group          G when quantizing; null: the NPU preset's
 * @param methods        selection methods, the first one timed in the table (all are timed for the chart)
 * @param ratios         stored 4-bit ratios in (0, 1]; ratio 0 (8-bit) is always measured
 * @param extractions    accuracy series per method; the NPU times static and dynamic (naive and static-max
 *                       are accuracy-only, timed as static)
 * @param data           evaluation images, e.g. fashion-mnist:test
 * @param calib          calibration spec, or null for the model's default
 * @param fitnessSamples calibration samples the evolutionary fitness uses
 * @param heldOut        evaluation images the selections' fitness is also reported on (0: none)
 * @param independent    also search each ratio on its own (first method, static extraction), to measure what nesting
 *                       the ratios costs in accuracy
 * @param energy         what each ratio's inference is priced with
 * @param budget         what a ratio counts (per layer, or model-wide by MACs)
 * @param fitness        what the search's fitness compares; null: a quantized file's own, else the outputs
 * @param unsignedCodes  when quantizing: unsigned 4-bit codes at the sites that are never negative
 * @param staticShifts   when quantizing: how the static activation shifts are chosen
 * @param minRatio       a ratio floor to time as well (0: none): the first method's model compiled to serve the stored
 *                       ratios from it up, with the weights 4-bit at all of them stored as 4-bit codes ({@link FloorPrograms})
 */
public record TradeoffPlan(String model, NpuConfig npu, Integer group, List<ChannelSelection.Method> methods, List<Double> ratios,
                           List<Extraction> extractions, String data, String calib, int population, int generations, int fitnessSamples,
                           int heldOut, boolean independent, long seed, EnergyParameters energy, ChannelSelection.Budget budget,
                           ChannelSelection.Fitness fitness, boolean unsignedCodes,
                           ChannelSelection.StaticShifts staticShifts, double minRatio) {
    public TradeoffPlan {
        methods = List.copyOf(methods);
        ratios = List.copyOf(ratios);
        extractions = List.copyOf(extractions);
        if (methods.isEmpty() || extractions.isEmpty()) {
            throw new BadInputException("a trade-off needs at least one selection method and one extraction");
        }
    }
}
