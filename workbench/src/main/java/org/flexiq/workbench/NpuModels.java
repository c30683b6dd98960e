package org.flexiq.workbench;

import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.compiler.select.ShapeSelection;
import org.flexiq.reports.SweepPoint;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Model;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A MODEL argument as a quantized model for the NPU commands: read, or quantized on the fly with quick defaults. */
public final class NpuModels {
    private NpuModels() {
    }

    /**
     * The line a user needs when the model's groups are narrower than the array's 2R int4 lanes: a dual-int4 fold
     * holds one group (its shifts are applied per fold), so a 4-bit fold covers G channels where an 8-bit one
     * covers R. Null when the groups fill the lanes.
     */
    public static String narrowGroupNote(int groupWidth, int arrayRows) {
        if (groupWidth >= 2 * arrayRows) {
            return null;
        }
        return String.format(Locale.ROOT, "note: a 4-bit fold holds one group, G = %d channels, where an 8-bit fold holds R = %d, so 4-bit "
                + "channels take %.2fx the array folds of 8-bit ones here (0.50x with --group %d, which fills the %d int4 lanes)", groupWidth,
                arrayRows, (double) arrayRows / groupWidth, 2 * arrayRows, 2 * arrayRows);
    }

    /** --extraction for the NPU: static or dynamic (its programs carry the effective shift tables, not naive ones). */
    public static Extraction extraction(String text) {
        Extraction e;
        try {
            e = Extraction.parse(text);
        } catch (IllegalArgumentException ex) {
            throw new BadInputException(ex.getMessage());
        }
        if (e == Extraction.NAIVE || e == Extraction.STATIC_MAX) {
            throw new BadInputException("--extraction: the NPU runs static or dynamic extraction (its program carries the static "
                    + "shift tables), not " + e.id());
        }
        return e;
    }

    /** The ratios {@link #quantize} stores unless a command runs others. */
    public static final List<Double> ON_THE_FLY_RATIOS = List.of(0.25, 0.5, 0.75, 1.0);

    /**
     * The ratios a model quantized on the fly stores for a command that runs {@code run}: the usual four and every other
     * ratio above 0 in {@code run}, ascending. Extra ratios change no other ratio's selection: under a layer budget each
     * ratio's 4-bit groups are the first round(ratio x groups) of one order per site.
     */
    public static List<Double> onTheFlyRatios(List<Double> run) {
        List<Double> all = new ArrayList<>(ON_THE_FLY_RATIOS);
        for (double r : run) {
            if (r > QuantizedModel.RATIO_TOLERANCE && all.stream().noneMatch(x -> Math.abs(x - r) < QuantizedModel.RATIO_TOLERANCE)) {
                all.add(r);
            }
        }
        all.sort(null);
        return List.copyOf(all);
    }

    /**
     * @param requestedGroup the user's --group, checked against a quantized file's G (may be null)
     * @param group          G for quantizing a float or zoo model
     * @param samples        synthetic calibration samples when quantizing (at least 4)
     * @param run            the ratios the command runs: a quantized file must store them (else a one-line error naming
     *                       {@code option}); quantizing on the fly stores them ({@link #onTheFlyRatios})
     */
    public static QuantizedModel quantized(String model, Integer requestedGroup, int group, int samples, long seed, String option, List<Double> run,
                                           PrintWriter out) throws IOException {
        return quantized(model, requestedGroup, group, samples, seed, option, run, 0, out);
    }

    /**
     * As {@link #quantized(String, Integer, int, int, long, String, List, PrintWriter)}, for a program with the ratio floor
     * {@code minRatio} (0: none): a quantized file must store it too (else a one-line error naming --min-ratio), and
     * quantizing on the fly stores it.
     */
    public static QuantizedModel quantized(String model, Integer requestedGroup, int group, int samples, long seed, String option, List<Double> run,
                                           double minRatio, PrintWriter out) throws IOException {
        ModelSource a = ModelSource.resolve(model);
        if (a.file() != null && a.file().quantized()) {
            return read(model, requestedGroup, option, run, minRatio);
        }
        return quantize(a.model(), a.label(), group, samples, seed, onTheFlyRatios(withFloor(run, minRatio)), out);
    }

    /** A quantized file, its G checked against the user's --group (may be null) and its stored ratios against {@code run} and the floor. */
    private static QuantizedModel read(String model, Integer requestedGroup, String option, List<Double> run, double minRatio) throws IOException {
        QuantizedModel q = QuantizedFlx.read(Path.of(model));
        if (requestedGroup != null && requestedGroup != q.groupWidth()) {
            throw new BadInputException("--group " + requestedGroup + ": " + model + " was quantized with G = " + q.groupWidth()
                    + "; quantize again for another group width");
        }
        Ratios.requireStored(q, option, run);
        Ratios.requireStored(q, "--min-ratio", withFloor(List.of(), minRatio));
        return q;
    }

    /** {@code run} and the ratio floor (where above 0): what a program with that floor needs stored. */
    public static List<Double> withFloor(List<Double> run, double minRatio) {
        List<Double> all = new ArrayList<>(run);
        if (minRatio > 0) {
            all.add(minRatio);
        }
        return List.copyOf(all);
    }

    /**
     * MODEL for timing alone: a quantized file as it is (its own counts), else the timing-only model of its graph with the
     * counts {@link #quantize} would give ({@link #timingOnly(Graph, String, int)}); a program with the ratio floor
     * {@code minRatio} (0: none) needs it stored, as in {@link #quantized(String, Integer, int, int, long, String, List, double, PrintWriter)}.
     */
    public static QuantizedModel forTiming(String model, Integer requestedGroup, int group, String option, List<Double> run, double minRatio,
                                           PrintWriter out) throws IOException {
        ModelSource a = ModelSource.resolve(model);
        if (a.file() != null && a.file().quantized()) {
            return read(model, requestedGroup, option, run, minRatio);
        }
        out.printf(Locale.ROOT, "timing only: %s's shapes and the per-ratio 4-bit channel counts on-the-fly quantization gives (G = %d), "
                + "no weights, calibration or selection%n", a.label(), group);
        return timingOnly(a.model().graph(), a.label(), group, onTheFlyRatios(withFloor(run, minRatio)));
    }

    /**
     * The model {@link #quantize} would give with the same {@code stored} ratios, for timing only: the same graph, sites and
     * per-ratio 4-bit channel counts (a layer budget's, which greedy selection uses), from the shapes, without weights,
     * calibration or selection. Its programs time exactly as the quantized model's do; it has no values to check.
     */
    public static QuantizedModel timingOnly(Graph graph, String label, int group, List<Double> stored) {
        try {
            return ShapeSelection.of(Quantizer.timingOnly(graph, group, Map.of("quant.source", label)), stored);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(label + ": " + e.getMessage());
        }
    }

    /** A float model quantized with quick defaults (greedy selection, synthetic calibration), storing the {@code stored} ratios. */
    public static QuantizedModel quantize(Model model, String label, int group, int samples, long seed, List<Double> stored, PrintWriter out) {
        String spec = "synthetic:" + samples;
        List<Map<String, FloatTensor>> calib = CalibrationData.load(spec, model.graph(), seed);
        QuantizerOptions options;
        try {
            options = new QuantizerOptions(group, CalibrationMethod.MAX);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(label + ": " + e.getMessage());
        }
        QuantizedModel int8 = Quantization.int8(model, label, calib, options);
        QuantizedModel q = Quantization.select(int8, stored, new ChannelSelection.Options(ChannelSelection.Method.GREEDY,
                Extraction.STATIC, 1, 1, seed), calib, 4, SearchProgress.NONE, spec, label).model();
        out.printf(Locale.ROOT, "quantized %s on the fly: G = %d, greedy selection, synthetic:%d calibration%s (sim quantize gives full control)%n",
                label, group, samples, stored.equals(ON_THE_FLY_RATIOS) ? "" : ", ratios " + String.join(", ",
                        stored.stream().map(SweepPoint::ratioText).toList()));
        String kept = q.metadata().get(Quantizer.EIGHT_BIT_ONLY);
        if (kept != null) {
            out.printf(Locale.ROOT, "note: %s%n", kept);
        }
        return q;
    }
}
