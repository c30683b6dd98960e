package org.flexiq.workbench;

import org.flexiq.compiler.eval.Accuracy;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Top-1 of a quantized model on labeled images at each stored 4-bit ratio, for each selection method (the file's
 * own, or another applied again to its int8 model) and each extraction, beside the float and 8-bit baselines: what
 * {@code sim accuracy} prints. Every figure is the golden executor's (or the float executor's) on every image.
 *
 * @param floatTop1 null where no float model was found for the baseline
 * @param points in the order methods x extractions x ratios
 */
public record AccuracyStudy(String model, int images, int groupWidth, Double floatTop1, double int8Top1, List<Point> points) {
    public AccuracyStudy {
        points = List.copyOf(points);
    }

    public record Point(ChannelSelection.Method method, Extraction extraction, double ratio, double top1) {
    }

    /**
     * @param fitnessSamples calibration samples an evolutionary re-selection scores on
     */
    public record Plan(List<Double> ratios, List<ChannelSelection.Method> methods, List<Extraction> extractions, int population,
                       int generations, int fitnessSamples) {
        public Plan {
            ratios = List.copyOf(ratios);
            methods = List.copyOf(methods);
            extractions = List.copyOf(extractions);
        }
    }

    /**
     * @param label names the quantized file in errors
     * @param floatModel the float baseline, or null
     * @param stage told what runs next, for a progress line
     * @param search an evolutionary re-selection's per-generation progress
     */
    public static AccuracyStudy run(QuantizedModel q, String label, Model floatModel, LabeledImages images, Plan plan, Consumer<String> stage,
                                    SearchProgress search) {
        Ratios.requireStored(q, label, plan.ratios());
        String own = q.metadata().getOrDefault("flexiq.selection", "greedy");
        stage.accept("float and 8-bit baselines");
        Double floatTop1 = floatModel == null ? null : Accuracy.floatTop1(floatModel, images);
        double int8 = Accuracy.goldenTop1(new GoldenExecutor(q, 0, Extraction.STATIC), images);
        List<Point> points = new ArrayList<>();
        for (ChannelSelection.Method method : plan.methods()) {
            stage.accept("selection: " + method.id());
            QuantizedModel selected = method.id().equals(own) ? q
                    : Reselection.of(q, label, method, plan.population(), plan.generations(), plan.fitnessSamples(), search);
            for (Extraction e : plan.extractions()) {
                for (double r : plan.ratios()) {
                    stage.accept("accuracy: " + method.id() + ", " + e.id() + ", ratio " + r);
                    // ratio 0 runs every channel at 8 bits whatever the method and extraction
                    double top1 = r == 0 ? int8 : Accuracy.goldenTop1(new GoldenExecutor(selected, r, e), images);
                    points.add(new Point(method, e, r, top1));
                }
            }
        }
        return new AccuracyStudy(q.graph().name(), images.size(), q.groupWidth(), floatTop1, int8, points);
    }

    /**
     * The float model of the baseline: {@code floatArg} when given, else the source the quantized file records
     * ({@code quant.source}) where it is still a file or a zoo name; null when there is none.
     */
    public static Model floatBaseline(QuantizedModel q, String floatArg) throws IOException {
        String source = floatArg != null ? floatArg : q.metadata().get("quant.source");
        if (source == null || (floatArg == null && !Files.exists(Path.of(source)) && !ModelZoo.contains(source))) {
            return null;
        }
        ModelSource a = ModelSource.resolve(source);
        if (a.file() != null && a.file().quantized()) {
            throw new BadInputException(source + ": the float baseline must be a float model");
        }
        return a.model();
    }
}
