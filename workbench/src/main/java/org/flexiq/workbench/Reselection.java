package org.flexiq.workbench;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.workloads.ir.FloatTensor;

import java.util.List;
import java.util.Map;

/**
 * Another selection method applied to a quantized file's int8 model, at the file's stored ratios, with the
 * calibration data, seed, extraction, budget and fitness its metadata records, so methods compare on the same int8 model; the
 * result is laid out (stored in selection order) like the file.
 */
public final class Reselection {
    private Reselection() {
    }

    /** @param label names the file in errors */
    public static QuantizedModel of(QuantizedModel q, String label, ChannelSelection.Method method, int population, int generations,
                                    int fitnessSamples, SearchProgress progress) {
        String spec = q.metadata().get("quant.calib");
        long seed = Long.parseLong(q.metadata().getOrDefault("flexiq.selection.seed", "0"));
        Extraction e = Extraction.parse(q.metadata().getOrDefault("flexiq.selection.extraction", "static"));
        ChannelSelection.StaticShifts shifts = ChannelSelection.StaticShifts.recorded(q);
        boolean needsSamples = method == ChannelSelection.Method.EVOLUTIONARY || shifts == ChannelSelection.StaticShifts.OUTPUTS;
        List<Map<String, FloatTensor>> samples = needsSamples && spec != null ? CalibrationData.load(spec, q.graph(), seed) : List.of();
        if (needsSamples && samples.isEmpty()) {
            throw new BadInputException(label + ": no calibration data recorded (quant.calib) for "
                    + (method == ChannelSelection.Method.EVOLUTIONARY ? "an evolutionary re-selection" : "judging its static shifts again"));
        }
        return FlexiqLayout.apply(ChannelSelection.select(q, q.ratios(), new ChannelSelection.Options(method, e, population, generations, seed,
                        ChannelSelection.Budget.parse(q.metadata().getOrDefault("flexiq.selection.budget", "layer")),
                        ChannelSelection.Fitness.recorded(q), shifts),
                samples.subList(0, Math.min(fitnessSamples, samples.size())), progress).model());
    }
}
