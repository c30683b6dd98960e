package org.flexiq.workbench;

import org.flexiq.compiler.eval.Accuracy;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.workloads.data.DataSpec;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * FlexiQ's question for one model on one NPU: what each 4-bit ratio buys in latency and costs in accuracy.
 * Quantizes with real calibration (or takes a quantized file), selects channels by each method, compiles once
 * per method, times every ratio on the fast engine with the outputs checked against the golden executor, and
 * measures top-1 per method, extraction and ratio on real images.
 */
public final class Tradeoff {
    private Tradeoff() {
    }

    /** The first method's quantized model of the last {@link #run}, for saving; null before. */
    public record Outcome(TradeoffResult result, QuantizedModel firstModel) {
    }

    /** A selected model and how long its selection took. */
    private record Selected(ChannelSelection.Method method, QuantizedModel model, double seconds) {
    }

    /**
     * @param stage told what runs next, for a progress line
     * @param search the evolutionary search's per-generation progress
     */
    public static TradeoffResult run(TradeoffPlan plan, Consumer<String> stage, SearchProgress search) throws IOException {
        return runKeepingModel(plan, stage, search).result();
    }

    /** {@link #run}, also answering the first method's quantized model (to write it as a .flx). */
    public static Outcome runKeepingModel(TradeoffPlan plan, Consumer<String> stage, SearchProgress search) throws IOException {
        ModelSource source = ModelSource.resolve(plan.model());
        List<Selected> selected = new ArrayList<>();
        List<Map<String, FloatTensor>> fitnessSamples;
        ChannelSelection.Fitness metric;
        QuantizedModel int8;
        Double floatTop1 = null;
        LabeledImages images;
        if (source.file() != null && source.file().quantized()) {
            QuantizedModel q = QuantizedFlx.read(Path.of(plan.model()));
            if (plan.unsignedCodes()) {
                throw new BadInputException("--codes unsigned: " + plan.model() + " is already quantized (its codes are its own); give its float model");
            }
            if (plan.staticShifts() != ChannelSelection.StaticShifts.MSE) {
                throw new BadInputException("--static-shifts " + plan.staticShifts().id() + ": " + plan.model()
                        + " is already quantized (its shifts are its own); give its float model");
            }
            if (plan.group() != null && plan.group() != q.groupWidth()) {
                throw new BadInputException("--group " + plan.group() + ": " + plan.model() + " was quantized with G = " + q.groupWidth());
            }
            Ratios.requireStored(q, plan.model(), plan.ratios());
            metric = ChannelSelection.Fitness.recorded(q);
            if (plan.fitness() != null && plan.fitness() != metric) {
                throw new BadInputException("--fitness " + plan.fitness().id() + ": " + plan.model() + " was selected with fitness "
                        + metric.id() + " (methods compare on the file's own)");
            }
            images = DataSpec.parse(plan.data()).load();
            String own = q.metadata().getOrDefault("flexiq.selection", "greedy");
            for (ChannelSelection.Method m : plan.methods()) {
                stage.accept("selection: " + m.id());
                long t0 = System.nanoTime();
                QuantizedModel s = m.id().equals(own) ? q : Reselection.of(q, plan.model(), m, plan.population(), plan.generations(),
                        plan.fitnessSamples(), search);
                selected.add(new Selected(m, s, (System.nanoTime() - t0) / 1e9));
            }
            String spec = q.metadata().get("quant.calib");
            fitnessSamples = spec == null ? List.of() : head(CalibrationData.load(spec, q.graph(), plan.seed()), plan.fitnessSamples());
            int8 = q;
        } else {
            Model m = source.model();
            metric = plan.fitness() != null ? plan.fitness() : ChannelSelection.Fitness.DEFAULT;
            images = DataSpec.parse(plan.data()).load();
            floatTop1 = Accuracy.floatTop1(m, images);
            int g = plan.group() != null ? plan.group() : plan.npu().groupWidth();
            String spec = plan.calib() != null ? plan.calib() : CalibrationData.defaultSpec(m.graph());
            List<Map<String, FloatTensor>> calib = CalibrationData.load(spec, m.graph(), plan.seed());
            stage.accept("quantization: G = " + g + ", " + spec);
            int8 = Quantization.int8(m, source.label(), calib, new QuantizerOptions(g, CalibrationMethod.MAX, plan.unsignedCodes()));
            fitnessSamples = head(calib, plan.fitnessSamples());
            List<Double> ratios;
            try {
                ratios = ChannelSelection.checkRatios(plan.ratios());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--ratios: " + e.getMessage());
            }
            for (ChannelSelection.Method method : plan.methods()) {
                stage.accept("selection: " + method.id());
                Quantization.Selected q = Quantization.select(int8, ratios, new ChannelSelection.Options(method, Extraction.STATIC,
                        plan.population(), plan.generations(), plan.seed(), plan.budget(), metric, plan.staticShifts()), calib, plan.fitnessSamples(), search, spec,
                        plan.model());
                selected.add(new Selected(method, q.model(), q.selection().seconds()));
            }
        }
        List<Double> ratios = new ArrayList<>();
        ratios.add(0.0);
        plan.ratios().stream().sorted().forEach(ratios::add);

        if (plan.minRatio() > 0) {
            // before minutes of accuracy runs: the floor must be a ratio the models store
            Ratios.requireStored(selected.get(0).model(), "--min-ratio", List.of(plan.minRatio()));
        }
        List<TradeoffResult.Timing> timings = null;
        List<TradeoffResult.Series> series = new ArrayList<>();
        List<TradeoffResult.Selection> selections = new ArrayList<>();
        double int8Top1 = Double.NaN;
        List<Map<String, FloatTensor>> heldOut = new ArrayList<>();
        for (int i = 0; i < Math.min(plan.heldOut(), images.size()); i++) {
            heldOut.add(Map.of(selected.get(0).model().graph().inputs().get(0).name(), images.image(i)));
        }
        for (Selected s : selected) {
            stage.accept("timing: " + s.method().id() + " on " + plan.npu().name());
            List<TradeoffResult.Timing> t = time(s.model(), plan.npu(), FloorPrograms.full(s.model(), plan.npu()).program(), ratios,
                    images.image(0), plan.energy(), null);
            if (timings == null) {
                timings = t;
            }
            if (Double.isNaN(int8Top1)) {
                stage.accept("accuracy: 8-bit");
                int8Top1 = Accuracy.goldenTop1(new GoldenExecutor(s.model(), 0, Extraction.STATIC), images);
            }
            List<Double> latency = t.stream().map(TradeoffResult.Timing::latencyUs).toList();
            for (Extraction e : plan.extractions()) {
                List<Double> top1 = new ArrayList<>();
                top1.add(int8Top1);
                for (double r : ratios.subList(1, ratios.size())) {
                    stage.accept("accuracy: " + s.method().id() + ", " + e.id() + ", ratio " + r);
                    top1.add(Accuracy.goldenTop1(new GoldenExecutor(s.model(), r, e), images));
                }
                series.add(new TradeoffResult.Series(s.method().id(), e.id(), ratios, latency, top1));
            }
            if (plan.independent() && s == selected.get(0)) {
                series.add(independent(plan, s.method(), metric, int8, fitnessSamples, ratios, latency, int8Top1, images, stage, search));
            }
            List<Double> searchFit = new ArrayList<>();
            List<Double> heldFit = new ArrayList<>();
            for (double r : ratios.subList(1, ratios.size())) {
                stage.accept("fitness: " + s.method().id() + ", ratio " + r);
                searchFit.add(fitnessSamples.isEmpty() ? Double.NaN : ChannelSelection.fitness(s.model(), r, Extraction.STATIC, metric, fitnessSamples));
                heldFit.add(heldOut.isEmpty() ? Double.NaN : ChannelSelection.fitness(s.model(), r, Extraction.STATIC, metric, heldOut));
            }
            selections.add(new TradeoffResult.Selection(s.method().id(), s.seconds(), ratios.subList(1, ratios.size()), searchFit, heldFit));
        }
        List<TradeoffResult.Timing> floorTimings = List.of();
        if (plan.minRatio() > 0) {
            double floor = plan.minRatio();
            QuantizedModel first = selected.get(0).model();
            stage.accept("timing: --min-ratio " + NpuCompiler.profileName(floor) + " on " + plan.npu().name());
            List<Double> served = ratios.stream().filter(r -> r >= floor - QuantizedModel.RATIO_TOLERANCE).toList();
            floorTimings = time(first, plan.npu(), FloorPrograms.floorOnly(first, plan.npu(), floor, "--min-ratio").program(), served, images.image(0),
                    plan.energy(), timings.get(0).cycles());
        }
        return new Outcome(new TradeoffResult(selected.get(0).model().graph().name(), plan.npu().name(), selected.get(0).model().groupWidth(),
                plan.data(), images.size(), floatTop1, int8Top1, timings, series, selections, plan.minRatio(), floorTimings), selected.get(0).model());
    }

    /**
     * Each ratio searched on its own rather than nested in the smaller ratios' selections: the accuracy nesting
     * costs (an open question of the paper). Latency is the nested model's: the counts per site are the same.
     */
    private static TradeoffResult.Series independent(TradeoffPlan plan, ChannelSelection.Method method, ChannelSelection.Fitness metric,
                                                     QuantizedModel int8,
                                                     List<Map<String, FloatTensor>> fitnessSamples, List<Double> ratios, List<Double> latency,
                                                     double int8Top1, LabeledImages images, Consumer<String> stage, SearchProgress search) {
        List<Double> top1 = new ArrayList<>();
        top1.add(int8Top1);
        for (double r : ratios.subList(1, ratios.size())) {
            stage.accept("independent selection: " + method.id() + ", ratio " + r);
            QuantizedModel alone = ChannelSelection.select(int8, List.of(r), new ChannelSelection.Options(method, Extraction.STATIC,
                    plan.population(), plan.generations(), plan.seed(), plan.budget(), metric, plan.staticShifts()), fitnessSamples, search).model();
            top1.add(Accuracy.goldenTop1(new GoldenExecutor(alone, r, Extraction.STATIC), images));
        }
        return new TradeoffResult.Series(method.id() + " (independent per ratio)", Extraction.STATIC.id(), ratios, latency, top1);
    }

    private static <T> List<T> head(List<T> l, int n) {
        return l.subList(0, Math.min(n, l.size()));
    }

    /**
     * Every ratio of program p on the fast engine, and the NPU's outputs at each checked against golden, static and dynamic;
     * speed-ups over {@code baseCycles}, or over the first ratio's run (ratio 0) where it is null.
     */
    private static List<TradeoffResult.Timing> time(QuantizedModel q, NpuConfig npu, NpuProgram p, List<Double> ratios, FloatTensor image,
                                                    EnergyParameters energy, Long baseCycles) {
        EnergyTable table = EnergyTable.of(energy, npu);
        // each ratio from a cold start, as sim run --ratio times it (a schedule would charge the register switch too)
        List<RunStats> runs = ratios.stream().map(r -> FastEngine.run(p, npu, NpuCompiler.profileName(r), FunctionalExecutor.STATIC)).toList();
        Map<String, FloatTensor> input = new LinkedHashMap<>();
        input.put(q.graph().inputs().get(0).name(), image);
        List<TradeoffResult.Timing> out = new ArrayList<>();
        for (int i = 0; i < ratios.size(); i++) {
            double r = ratios.get(i);
            boolean match = FunctionalComparison.run(q, p, r, Extraction.STATIC, input).matched()
                    && FunctionalComparison.run(q, p, r, Extraction.DYNAMIC, input).matched();
            RunStats s = runs.get(i);
            out.add(new TradeoffResult.Timing(r, s.cycles(), s.latencyMicroseconds(), s.peUtilization(),
                    (double) (baseCycles != null ? baseCycles : runs.get(0).cycles()) / s.cycles(), EnergyReport.of(table, s).totalPj() / 1e6, match));
        }
        return out;
    }
}
