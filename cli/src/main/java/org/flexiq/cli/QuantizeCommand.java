package org.flexiq.cli;

import org.flexiq.workbench.Quantization;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.Ratios;
import org.flexiq.workbench.ModelSource;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.quant.Site;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.StageReport;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "FlexiQ post-training quantization: int8, effective 4-bit extraction, nested channel selection, "
                + "reordered layout; writes a quantized .flx.")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A float .flx file or a zoo model name.")
    String model;

    @Option(names = {"-o", "--output"}, converter = OutputPaths.File.class, required = true, paramLabel = "FILE", description = "The quantized .flx to write.")
    Path output;

    @Option(names = "--method", defaultValue = "evolutionary", description = "random, greedy or evolutionary (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--ratios", defaultValue = "0.25,0.5,0.75,1.0", description = "Nested 4-bit ratios to store (default: ${DEFAULT-VALUE}).")
    String ratios;

    @Option(names = "--group", defaultValue = "64", description = "Group width G in channels (default: ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--calibration", defaultValue = "max", description = "Activation ranges: max or percentile:P (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--extraction", defaultValue = "static", description = "Extraction the selection optimizes for: static, dynamic or naive.")
    String extraction;

    @Mixin
    SearchOptions searchOpts = new SearchOptions();

    @Override
    public Integer call() throws IOException {
        ModelSource arg = ModelSource.resolve(model);
        if (arg.file() != null && arg.file().quantized()) {
            throw new BadInputException(model + ": already a quantized model; quantize its float model instead");
        }
        Model m = arg.model();
        ChannelSelection.Options opts;
        QuantizerOptions qo;
        List<Double> rs;
        if (group < 1 || group > 4096) {
            throw new BadInputException("--group: expected a group width in 1..4096, got " + group);
        }
        try {
            opts = new ChannelSelection.Options(ChannelSelection.Method.parse(method), Extraction.parse(extraction), searchOpts.population, searchOpts.generations, searchOpts.seed,
                    searchOpts.budget(), searchOpts.fitnessOrDefault(), searchOpts.staticShifts());
            qo = new QuantizerOptions(group, CalibrationMethod.parse(calibration), searchOpts.unsignedCodes());
            rs = ChannelSelection.checkRatios(Ratios.parse("--ratios", ratios));
            if (searchOpts.fitnessSamples < 1) {
                throw new IllegalArgumentException("--fitness-samples must be >= 1");
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        String calibSpec = searchOpts.calib == null ? CalibrationData.defaultSpec(m.graph()) : searchOpts.calib;
        List<Map<String, FloatTensor>> samples = DataOption.read("--calib", () -> CalibrationData.load(calibSpec, m.graph(), searchOpts.seed));
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        QuantizedModel int8 = Quantization.int8(m, model, samples, qo);
        double quantSeconds = (System.nanoTime() - t0) / 1e9;
        StageLine progress = StageLine.forTerminal(spec.commandLine().getErr(), "quantize");
        Quantization.Selected selected = Quantization.select(int8, rs, opts, samples, searchOpts.fitnessSamples, progress, calibSpec, model);
        progress.done();
        ChannelSelection.Result r = selected.selection();
        QuantizedModel laid = selected.model();
        QuantizedFlx.write(output, laid);
        int folded = 0;
        int reorders = 0;
        for (Site s : laid.sites().values()) {
            folded += s.producer() != null ? 1 : 0;
            reorders += s.gather() != null ? 1 : 0;
        }
        out.printf(Locale.ROOT, "wrote %s: %s, %d 4-bit sites (G = %d), ratios %s, %s selection (%s extraction)%n", output, m.graph().name(),
                laid.sites().size(), group, rs, opts.method().id(), opts.extraction().id());
        out.printf(Locale.ROOT, "channel order: folded into the producer at %d sites, reorder step at %d sites%n", folded, reorders);
        if (laid.metadata().containsKey(Quantizer.EIGHT_BIT_ONLY)) {
            out.printf(Locale.ROOT, "note: %s%n", laid.metadata().get(Quantizer.EIGHT_BIT_ONLY));
        }
        out.printf(Locale.ROOT, "calibration: %s, %d samples, %s; quantization %.1f s; selection %.1f s%n",
                calibSpec, samples.size(), qo.calibration(), quantSeconds, r.seconds());
        String shifts = laid.metadata().get(ChannelSelection.JUDGED_SHIFTS);
        if (shifts != null) {
            out.printf(Locale.ROOT, "static shifts: judged at the %s%n", shifts);
        }
        for (StageReport s : r.stages()) {
            out.printf(Locale.ROOT, "  ratio %.2f: fitness (%s) %.6g (greedy %.6g), %d evaluations, %d resumed from cached activations%n",
                    s.ratio(), opts.fitness().id(), s.bestFitness(), s.greedyFitness(), s.evaluations(), s.cacheHits());
        }
        return Sim.OK;
    }

    /** Search progress on a terminal's stderr; nothing when output is not a terminal or in CI. */
    static List<String> list(String csv) {
        List<String> l = new ArrayList<>();
        for (String s : csv.split(",")) {
            l.add(s.trim());
        }
        return l;
    }
}
