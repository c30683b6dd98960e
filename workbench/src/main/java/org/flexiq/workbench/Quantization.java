package org.flexiq.workbench;

import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FlexiQ quantization as sim quantize, sim tradeoff and on-the-fly quantization all run it: a float model made
 * int8 from calibration samples, then channels selected at nested ratios and stored in selection order, with
 * what a later re-selection needs recorded in the metadata.
 */
public final class Quantization {
    private Quantization() {
    }

    /** The selected model, laid out, and the selection's report (stages, time). */
    public record Selected(QuantizedModel model, ChannelSelection.Result selection) {
    }

    /** The int8 model; a group width the model cannot take is a one-line error naming {@code label}. */
    public static QuantizedModel int8(Model m, String label, List<Map<String, FloatTensor>> calibration, QuantizerOptions options) {
        try {
            return Quantizer.quantize(m, calibration, options);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(label + ": " + e.getMessage());
        }
    }

    /**
     * Channels selected on the first {@code fitnessSamples} of {@code calibration}; the metadata records the
     * calibration spec and source (so other methods can be selected again from the file) and the search budget.
     */
    public static Selected select(QuantizedModel int8, List<Double> ratios, ChannelSelection.Options o, List<Map<String, FloatTensor>> calibration,
                                  int fitnessSamples, SearchProgress progress, String calibSpec, String source) {
        List<Map<String, FloatTensor>> fitness = calibration.subList(0, Math.min(fitnessSamples, calibration.size()));
        ChannelSelection.Result r = ChannelSelection.select(int8, ratios, o, fitness, progress);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("quant.calib", calibSpec);
        meta.put("quant.source", source);
        // No wall time in the file: the same inputs must give the same bytes.
        if (o.method() == ChannelSelection.Method.EVOLUTIONARY) {
            meta.put("flexiq.selection.search", o.population() + "x" + o.generations() + " on " + fitness.size() + " samples");
        }
        return new Selected(FlexiqLayout.apply(r.model()).withMetadata(meta), r);
    }
}
