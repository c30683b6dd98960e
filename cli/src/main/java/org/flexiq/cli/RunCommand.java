package org.flexiq.cli;

import org.flexiq.workbench.AccuracyTable;
import org.flexiq.workbench.BatchGain;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.Engine;
import org.flexiq.workbench.FloorPrograms;
import org.flexiq.workbench.NpuRuns;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.reports.ComputeReport;
import org.flexiq.reports.ScaleSimMemoryReports;
import org.flexiq.workloads.scalesim.ScaleSimAccess;
import org.flexiq.workloads.scalesim.ScaleSimMemory;
import org.flexiq.reports.EnergySection;
import org.flexiq.simulator.energy.EnergyComponent;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.workbench.EnergySpec;
import org.flexiq.reports.LayerCsv;
import org.flexiq.reports.RunReportPage;
import org.flexiq.reports.TextTable;
import org.flexiq.reports.TradeoffChart;
import org.flexiq.simulator.Activity;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.ScaleSimConfig;
import org.flexiq.workloads.scalesim.ScaleSimTopology;
import org.flexiq.workloads.scalesim.TopologyLayer;
import org.flexiq.workloads.ir.FloatTensor;
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

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Compiles a model for an NPU and times it at 4-bit ratios: per-layer cycles, latency, PE utilization, "
                + "the cycle breakdown and DRAM traffic; checks the outputs against the golden executor.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "A quantized .flx, a float .flx or a zoo name (quantized on the fly: greedy "
            + "selection, synthetic calibration); or give --topology.")
    String model;

    @Option(names = "--topology", paramLabel = "FILE.csv", description = "A SCALE-Sim topology (conv or GEMM form) instead of MODEL: its "
            + "layers as matrix products on their im2col operands, timed from their shapes (the cycle engine quantizes synthetic weights and checks them).")
    Path topology;

    @Option(names = "--scalesim-cfg", paramLabel = "FILE.cfg", description = "A SCALE-Sim config instead of --npu: its array on the "
            + "scalesim-compatible machine (no weight double-buffering; ideal memory in CALC mode, its Bandwidth in USER mode).")
    Path scalesimCfg;

    @Option(names = "--csv-scalesim", converter = OutputPaths.Folder.class, paramLabel = "DIR", description = "Write COMPUTE_REPORT.csv in SCALE-Sim's format (one per ratio, "
            + "under ratio-R/ when several are run), and with --scalesim-cfg, --topology and ratio 0 in CALC mode BANDWIDTH_REPORT.csv and "
            + "DETAILED_ACCESS_REPORT.csv beside ratio 0's.")
    Path csvScalesim;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Mixin
    EnergyOptions energyOptions = new EnergyOptions();

    @Option(names = "--group", description = "Group width G (default: the model's, or the preset's when quantizing).")
    Integer group;

    @Option(names = "--clock-mhz", description = "Override the preset's clock.")
    Double clockMHz;

    @Option(names = "--dram-gbps", description = "Override the preset's DRAM bandwidth.")
    Double dramGBps;

    @Option(names = "--ratio", defaultValue = "0.5", description = "4-bit ratios, comma-separated (default: ${DEFAULT-VALUE}).")
    String ratios;

    @Option(names = "--ratio-schedule", paramLabel = "R1,R2,...",
            description = "Successive inferences, switching ratio between them (register writes only).")
    String schedule;

    @Option(names = "--min-ratio", defaultValue = "0", paramLabel = "R", description = "Compile for the stored ratios from R up: the input "
            + "channels 4-bit at R, and so at every ratio served, store, move and preload their weights as packed 4-bit codes (mvin.w4: half "
            + "their bytes); ratios below R, 8-bit included, are left out of the program. Speed-ups stay over the full program's 8-bit run "
            + "(default: ${DEFAULT-VALUE}: every ratio).")
    String minRatio;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "Compile for B images per run: each matrix product "
            + "loads its weights once for the batch while every image's rows stream through; cycles, latency, DRAM traffic and energy are "
            + "then the batch's, and a line gives the time per inference against the one-image program (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--engine", defaultValue = "fast", description = "fast (instruction granularity, for sweeps) or cycle (every cycle, "
            + "every PE register, values computed; the same counts) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--layers", description = "Print the per-layer table for every ratio (it is printed when one ratio is run).")
    boolean layers;

    @Option(names = "--no-check", description = "Skip comparing the outputs (the functional executor's, or the cycle engine's) with the golden executor's; "
            + "on the fast engine a float or zoo model is then timed from its shapes, not quantized.")
    boolean noCheck;

    @Option(names = "--json", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write every statistic as JSON.")
    Path json;

    @Option(names = "--csv", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write one row per layer and ratio as CSV.")
    Path csv;

    @Option(names = "--report", converter = OutputPaths.Folder.class, paramLabel = "DIR", description = "Write DIR/report.html (self-contained), charts (PNG and SVG), "
            + "layers.csv and run.json.")
    Path report;

    @Option(names = "--accuracy", paramLabel = "FILE.json", description = "sim accuracy --json or sim tradeoff --json output for this model: "
            + "the report adds latency against accuracy per ratio (the file's first method with this run's extraction).")
    Path accuracy;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the synthetic input of the check (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        Engine timer = Engine.parse("--engine", engine);
        if (accuracy != null && report == null) {
            throw new BadInputException("--accuracy goes with --report (it adds the latency-accuracy chart)");
        }
        if (engine.equals("cycle") && schedule != null) {
            throw new BadInputException("--ratio-schedule runs on the fast engine (the cycle engine times one inference at a time)");
        }
        Extraction e = NpuModels.extraction(extraction);
        FloorPrograms.requireBatch("--batch", batch);
        if (batch > 1 && (schedule != null || csvScalesim != null || report != null)) {
            throw new BadInputException("--batch " + batch + " goes without " + (schedule != null ? "--ratio-schedule" : csvScalesim != null
                    ? "--csv-scalesim (SCALE-Sim's reports are one inference's)" : "--report (the report page describes one inference)"));
        }
        PrintWriter out = spec.commandLine().getOut();
        if ((model == null) == (topology == null)) {
            throw new BadInputException(model == null ? "give a MODEL or --topology FILE.csv" : "give either MODEL or --topology, not both");
        }
        ScaleSimConfig scalesim = scalesimCfg == null ? null : ScaleSimConfig.read(scalesimCfg);
        ScaleSimTopology topo = topology == null ? null : ScaleSimTopology.read(topology);
        if (topo != null) {
            topo.requireTensorSized(topology.toString());
        }
        String ratioOption = schedule != null ? "--ratio-schedule" : "--ratio";
        List<Double> rs = Ratios.parse(ratioOption, schedule != null ? schedule : ratios);
        double floor = Ratios.parse("--min-ratio", minRatio).get(0);
        FloorPrograms.requireServed(floor, "--min-ratio", rs, ratioOption);
        QuantizedModel q = resolve(out, scalesim, topo, ratioOption, rs, floor);
        if (scalesim != null && npu.array != null) {
            throw new BadInputException("--array: the array comes from " + scalesim.file() + " (ArrayHeight, ArrayWidth)");
        }
        if (scalesim != null && spec.commandLine().getParseResult().hasMatchedOption("--npu")) {
            throw new BadInputException("--npu: the machine comes from " + scalesim.file() + " (give one of --npu and --scalesim-cfg)");
        }
        NpuConfig config = scalesim == null ? npu.config(q.groupWidth(), model == null ? topology.toString() : model) : scalesimMachine(scalesim, topo, q.groupWidth());
        if (scalesim != null) {
            out.printf(Locale.ROOT, "%s: %dx%d ws array; SRAM sizes (ifmap %d kB, filter %d kB, ofmap %d kB) shape SCALE-Sim's DRAM traffic, "
                            + "not its compute cycles: the NPU gets %d KiB of scratchpad and %d KiB of accumulator%n", scalesim.file(),
                    scalesim.arrayHeight(), scalesim.arrayWidth(), scalesim.ifmapSramKB(), scalesim.filterSramKB(), scalesim.ofmapSramKB(),
                    config.scratchpadKiB(), config.accumulatorKiB());
        }
        config = energyOptions.spec().configure(config);
        if (clockMHz != null || dramGBps != null) {
            try {
                config = config.withClock(clockMHz != null ? clockMHz : config.clockMHz(), dramGBps != null ? dramGBps : config.dramBandwidthGBps());
            } catch (org.flexiq.simulator.ConfigException ex) {
                throw new BadInputException((clockMHz != null ? "--clock-mhz " + clockMHz + " " : "") + (dramGBps != null ? "--dram-gbps " + dramGBps : "")
                        + ": expected positive, finite values (" + ex.getMessage() + ")");
            }
        }
        FloorPrograms programs = FloorPrograms.compile(q, config, floor, "--min-ratio", batch);
        CompiledProgram c = programs.floor();
        List<String> profiles = rs.stream().map(NpuCompiler::profileName).toList();
        // the check's inputs, one per image, drawn only where values are computed
        List<Map<String, FloatTensor>> inputs = engine.equals("cycle") || !timingOnly() ? CalibrationData.load("synthetic:" + batch, q.graph(), seed)
                : null;
        NpuRuns done = NpuRuns.run(new NpuRuns.Request(q, c.program(), config, rs, timer, e, schedule != null,
                !noCheck && !timingOnly(), inputs, programs.full().program()));
        List<RunStats> runs = done.runs();
        RunStats base = done.base();
        List<String> checks = done.matched().stream().map(m -> m ? "match" : "DIFFER").toList();
        EnergySpec.Priced priced = energyOptions.spec().price(config, runs, base);
        EnergyTable table = priced.table();
        List<EnergyReport> energies = priced.runs();
        EnergyReport int8Base = priced.int8Base();
        out.printf(Locale.ROOT, "%s on %s (%dx%d, G = %d, %.0f MHz, %s), %s engine, %s extraction, %d instructions%n", q.graph().name(),
                config.name(), config.arrayRows(), config.arrayCols(), q.groupWidth(), config.clockMHz(),
                config.idealMemory() ? "ideal memory" : String.format(Locale.ROOT, "%.0f GB/s DRAM", config.dramBandwidthGBps()),
                engine, e.id(), c.report().instructions());
        if (floor > 0) {
            out.println(CompileCommand.floorNote(programs));
        }
        String narrow = NpuModels.narrowGroupNote(q.groupWidth(), config.arrayRows());
        if (narrow != null) {
            out.println(narrow);
        }
        out.print(summary(runs, base, checks, schedule != null).render());
        if (batch > 1) {
            out.printf(Locale.ROOT, "batch of %d: each run serves %d images; the table and the energy below are per batch%n", batch, batch);
            out.print(batchTable(BatchGain.of(runs, FloorPrograms.floorOnly(q, config, floor, "--min-ratio").program(), config, e, batch)).render());
        }
        out.printf(Locale.ROOT, "%nenergy: %s; area %.3f mm2 %s%n", table.source(), table.totalMm2(), int8Base == null
                ? "(no plain-int8 comparison: the ART prices one PE type)" : String.format(Locale.ROOT, "(%.3f mm2 with plain int8 PEs, "
                + "which run every ratio at 8 bits: %.2f uJ per %s)", int8Base.areaMm2(), int8Base.totalPj() / 1e6,
                batch == 1 ? "inference" : "batch of " + batch));
        out.print(energySummary(energies, int8Base, batch).render());
        out.print(energySplit(energies).render());
        if (schedule != null) {
            int regs = c.program().profile(profiles.get(0)).values().size();
            out.printf(Locale.ROOT, "each switch writes %d MAX_4BIT_CH registers (one dispatch cycle each); the program is not reloaded%n", regs);
        }
        for (int i = 0; i < runs.size(); i++) {
            if (runs.size() == 1 || layers) {
                out.printf(Locale.ROOT, "%nper layer at ratio %s:%n", runs.get(i).profile());
                out.print(perLayer(runs.get(i), energies.get(i)).render());
            }
        }
        // the report first: its --accuracy file is the one input still to check, and a bad one must leave no output behind
        if (report != null) {
            AccuracyTable acc = accuracy == null ? null : AccuracyTable.read(accuracy, null, e.id());
            RunReportPage.write(report, q.graph().name(), engine, runs, base, checks,
                    acc == null ? "" : acc.method() + " selection, " + acc.extraction() + " extraction, " + acc.data(),
                    acc == null ? List.of() : latencyAgainstTop1(acc, runs), energies, int8Base, floor);
            AtomicFiles.write(report.resolve("run.json"), Json.write(RunReport.json(q.graph().name(), engine, e.id(), runs, base, checks, energies,
                    int8Base, floor, batch)));
            out.printf(Locale.ROOT, "report: %s%n", report.resolve("report.html"));
        }
        if (json != null) {
            AtomicFiles.write(json, Json.write(RunReport.json(q.graph().name(), engine, e.id(), runs, base, checks, energies, int8Base,
                    floor, batch)));
        }
        if (csv != null) {
            AtomicFiles.write(csv, LayerCsv.csv(runs, energies));
        }
        if (csvScalesim != null) {
            List<ScaleSimAccess> memory = writeMemoryReports(out, scalesim, topo, rs);
            if (scalesim != null && scalesim.v3() && memory == null) {
                out.printf(Locale.ROOT, "COMPUTE_REPORT.csv in SCALE-Sim v2's form: v3's Total Cycles (incl. prefetch) comes from the memory "
                        + "accounting above%n");
            }
            for (RunStats r : runs) {
                Path dir = runs.size() == 1 ? csvScalesim : csvScalesim.resolve("ratio-" + r.profile());
                boolean v3 = memory != null && scalesim.v3() && r.profile().equals(NpuCompiler.profileName(0));
                AtomicFiles.write(dir.resolve("COMPUTE_REPORT.csv"), ComputeReport.csv(r, v3 ? memory : null));
            }
        }
        return checks.contains("DIFFER") ? Sim.FAILURE : Sim.OK;
    }

    /** Each timed ratio's latency beside its top-1 from the accuracy file; a ratio the file lacks is left out. */
    private List<TradeoffChart.Point> latencyAgainstTop1(AccuracyTable acc, List<RunStats> runs) {
        List<TradeoffChart.Point> points = new ArrayList<>();
        for (RunStats r : runs) {
            double ratio = Double.parseDouble(r.profile());
            acc.top1().entrySet().stream().filter(x -> Math.abs(x.getKey() - ratio) < 1e-9).findFirst()
                    .ifPresent(x -> points.add(new TradeoffChart.Point(ratio, r.latencyMicroseconds(), x.getValue())));
        }
        if (points.isEmpty()) {
            throw new BadInputException(accuracy + ": no accuracy row for the ratios run with " + acc.extraction() + " extraction");
        }
        return points;
    }

    /**
     * The fast engine times a program without its values: with nothing to check (--no-check, or a topology, which has
     * no values of its own) the model is quantized from its shapes alone. The cycle engine computes values, so it gets
     * the full quantization.
     */
    private boolean timingOnly() {
        return engine.equals("fast") && (noCheck || topology != null);
    }

    /** MODEL or --topology as a quantized model that stores the {@code run} ratios (on-the-fly quantization stores them). */
    private QuantizedModel resolve(PrintWriter out, ScaleSimConfig scalesim, ScaleSimTopology topo, String ratioOption, List<Double> run,
                                   double floor) throws IOException {
        int g = group != null ? group : scalesim != null ? defaultGroup(scalesim.arrayHeight()) : npu.config(null).groupWidth();
        if (topo != null) {
            out.printf(Locale.ROOT, "%s: %d layers (%s form) as matrix products on their im2col operands%n", topology, topo.layers().size(),
                    topo.form().name().toLowerCase(Locale.ROOT));
            List<Double> stored = NpuModels.onTheFlyRatios(NpuModels.withFloor(run, floor));
            if (timingOnly()) {
                out.printf(Locale.ROOT, "timing only: shapes and per-ratio 4-bit channel counts (G = %d), no values; --engine cycle "
                        + "computes synthetic ones and checks them%n", g);
                return NpuModels.timingOnly(topo.toModel(g, seed).graph(), topology.toString(), g, stored);
            }
            return NpuModels.quantize(topo.toModel(g, seed), topology.toString(), g, 16, seed, stored, out);
        }
        return timingOnly() ? NpuModels.forTiming(model, group, g, ratioOption, run, floor, out)
                : NpuModels.quantized(model, group, g, 16, seed, ratioOption, run, floor, out);
    }

    /**
     * SCALE-Sim's BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv beside the ratio-0 COMPUTE_REPORT.csv: its own memory
     * accounting of the layers' 8-bit folds (CALC mode), which has no 4-bit ratio to follow. Where they cannot be SCALE-Sim's
     * figures, one line says why and they are not written (null). A v3 config gets v3's forms.
     */
    private List<ScaleSimAccess> writeMemoryReports(PrintWriter out, ScaleSimConfig scalesim, ScaleSimTopology topo, List<Double> rs)
            throws IOException {
        String why = scalesim == null || topo == null ? "they need --scalesim-cfg and --topology (SCALE-Sim's layers on its array)"
                : scalesim.userBandwidth() ? scalesim.file() + " sets InterfaceBandwidth: USER, and SCALE-Sim's prefetching read buffers "
                + "of that mode are not modelled (CALC mode is)"
                : !rs.contains(0.0) ? "SCALE-Sim's folds are all 8-bit: run ratio 0 too" : null;
        if (why != null) {
            out.printf(Locale.ROOT, "BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv not written: %s%n", why);
            return null;
        }
        Path dir = rs.size() == 1 ? csvScalesim : csvScalesim.resolve("ratio-" + NpuCompiler.profileName(0));
        List<ScaleSimAccess> access = ScaleSimMemory.ofTopology(topo, scalesim.arrayHeight(), scalesim.arrayWidth(), scalesim.ifmapSramKB(),
                scalesim.filterSramKB(), scalesim.ofmapSramKB(), scalesim.v3());
        AtomicFiles.write(dir.resolve("BANDWIDTH_REPORT.csv"), ScaleSimMemoryReports.bandwidthCsv(access));
        AtomicFiles.write(dir.resolve("DETAILED_ACCESS_REPORT.csv"), ScaleSimMemoryReports.detailedAccessCsv(access));
        return access;
    }

    /** The scalesim-compatible preset's G when the array takes it (at most 2R or a multiple of 2R), else 2R. */
    static int defaultGroup(int rows) {
        return 64 <= 2 * rows || 64 % (2 * rows) == 0 ? 64 : 2 * rows;
    }

    /** The config file's array; SRAMs that hold a topology layer's operands whole (what SCALE-Sim's compute model assumes). */
    /** The largest accumulator the compatible machine is given (4 bytes a column a row). */
    private static final long MAX_ACCUMULATOR_BYTES = 1L << 28;

    static NpuConfig scalesimMachine(ScaleSimConfig s, ScaleSimTopology topo, int g) {
        int rows = 1;
        long bytes = 0;
        if (topo != null) {
            for (TopologyLayer l : topo.layers()) {
                int n = Math.min(l.n(), s.arrayWidth());
                // every output row of a layer in the accumulator (SCALE-Sim streams a fold's M rows at once): within reason
                if (4L * s.arrayWidth() * l.m() > MAX_ACCUMULATOR_BYTES) {
                    throw new BadInputException(s.file() + ": layer " + l.name() + " streams M = " + l.m() + " rows through a " + s.arrayWidth()
                            + "-column array: its accumulator would pass " + (MAX_ACCUMULATOR_BYTES >> 20) + " MiB");
                }
                rows = Math.max(rows, l.m());
                // twice the operands: room for the compiler to keep every row of a layer in one tile
                bytes = Math.max(bytes, 2 * ((long) l.m() * l.k() + 2L * l.k() * n + (long) l.m() * n) + 256 * 1024);
            }
        }
        return s.npuConfig(g, rows, bytes);
    }

    private static TextTable summary(List<RunStats> runs, RunStats base, List<String> checks, boolean schedule) {
        List<String> headers = new ArrayList<>(List.of(schedule ? "inference" : "ratio", "cycles", "latency", "PE util", "speedup"));
        for (Activity a : Activity.values()) {
            headers.add(a.label());
        }
        headers.add("DRAM traffic");
        headers.add("golden");
        List<TextTable.Align> aligns = new ArrayList<>();
        headers.forEach(h -> aligns.add(TextTable.Align.RIGHT));
        TextTable t = new TextTable(headers, aligns);
        for (int i = 0; i < runs.size(); i++) {
            RunStats r = runs.get(i);
            List<Object> row = new ArrayList<>(List.of(schedule ? (i + 1) + ": " + r.profile() : r.profile(), HumanFormat.count(r.cycles()),
                    String.format(Locale.ROOT, "%.1f us", r.latencyMicroseconds()), percent(r.peUtilization()),
                    String.format(Locale.ROOT, "%.2fx", base.cycles() / (double) r.cycles())));
            Map<Activity, Long> b = r.breakdown();
            for (Activity a : Activity.values()) {
                row.add(percent(b.get(a) / (double) r.cycles()));
            }
            row.add(HumanFormat.bytes(r.dmaBytes()));
            row.add(checks.isEmpty() ? "-" : checks.get(i));
            t.row(row.toArray());
        }
        return t;
    }

    /** Per inference within the batch against one image at a time, per ratio. */
    private static TextTable batchTable(List<BatchGain> gains) {
        TextTable t = new TextTable(List.of("ratio", "per inference", "inferences/s", "one image", "throughput gain"),
                List.of(TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (BatchGain g : gains) {
            t.row(g.profile(), String.format(Locale.ROOT, "%.2f us", g.perInferenceUs()), String.format(Locale.ROOT, "%.0f", g.inferencesPerSecond()),
                    String.format(Locale.ROOT, "%.2f us", g.singleUs()), String.format(Locale.ROOT, "%.2fx", g.throughputGain()));
        }
        return t;
    }

    private static TextTable energySummary(List<EnergyReport> energies, EnergyReport int8Base, int batch) {
        List<String> headers = new ArrayList<>(EnergySection.headers(int8Base != null));
        headers.set(0, "ratio");
        if (batch > 1) {
            headers.set(1, "energy per batch");
        }
        List<TextTable.Align> aligns = new ArrayList<>();
        headers.forEach(h -> aligns.add(TextTable.Align.RIGHT));
        TextTable t = new TextTable(headers, aligns);
        for (EnergyReport e : energies) {
            t.row(EnergySection.figures(e, int8Base).toArray());
        }
        return t;
    }

    /** Each ratio's energy split by component, as shares. */
    private static TextTable energySplit(List<EnergyReport> energies) {
        List<String> headers = new ArrayList<>(List.of("ratio"));
        for (EnergyComponent c : EnergyComponent.values()) {
            headers.add(c.label());
        }
        List<TextTable.Align> aligns = new ArrayList<>();
        headers.forEach(h -> aligns.add(TextTable.Align.RIGHT));
        TextTable t = new TextTable(headers, aligns);
        for (EnergyReport e : energies) {
            List<Object> row = new ArrayList<>(List.of(e.run().profile()));
            e.byComponent().forEach((c, v) -> row.add(percent(v / e.totalPj())));
            t.row(row.toArray());
        }
        return t;
    }

    private static TextTable perLayer(RunStats r, EnergyReport energy) {
        List<String> headers = new ArrayList<>(List.of("layer", "cycles", "PE util", "int8 MACs", "int4 MACs"));
        for (Activity a : Activity.values()) {
            headers.add(a.label());
        }
        headers.add("DRAM");
        headers.add("energy");
        List<TextTable.Align> aligns = new ArrayList<>();
        headers.forEach(h -> aligns.add(TextTable.Align.RIGHT));
        aligns.set(0, TextTable.Align.LEFT);
        TextTable t = new TextTable(headers, aligns);
        for (int li = 0; li < r.layers().size(); li++) {
            LayerStats l = r.layers().get(li);
            if (l.cycles() == 0 && l.int8Macs() + l.int4Macs() == 0 && l.dmaBytes() == 0) {
                continue;
            }
            List<Object> row = new ArrayList<>(List.of(l.name(), HumanFormat.count(l.cycles()), percent(l.peUtilization(r.config().arrayRows(),
                    r.config().arrayCols())), HumanFormat.count(l.int8Macs()), HumanFormat.count(l.int4Macs())));
            for (Activity a : Activity.values()) {
                row.add(HumanFormat.count(l.breakdown().get(a)));
            }
            row.add(HumanFormat.bytes(l.dmaBytes()));
            row.add(String.format(Locale.ROOT, "%.2f uJ", energy.layers().get(li).totalPj() / 1e6));
            t.row(row.toArray());
        }
        List<Object> total = new ArrayList<>(List.of("total", HumanFormat.count(r.cycles()), percent(r.peUtilization()),
                HumanFormat.count(r.int8Macs()), HumanFormat.count(r.int4Macs())));
        Map<Activity, Long> b = r.breakdown();
        for (Activity a : Activity.values()) {
            total.add(HumanFormat.count(b.get(a)));
        }
        total.add(HumanFormat.bytes(r.dmaBytes()));
        total.add(String.format(Locale.ROOT, "%.2f uJ", energy.totalPj() / 1e6));
        t.footer(total.toArray());
        return t;
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

}
