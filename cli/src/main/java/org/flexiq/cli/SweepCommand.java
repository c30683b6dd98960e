package org.flexiq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.InfeasibleException;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.SweepPoint;
import org.flexiq.reports.SweepReportPage;
import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.CycleEngine;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.flexiq.workloads.ir.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Times a model over arrays x group widths x 4-bit ratios, on all cores; each finished point is saved at once, "
                + "so a rerun (or a run after Ctrl-C) skips it. Writes DIR/points/*.json, DIR/sweep.json, DIR/sweep.csv, charts and "
                + "DIR/report.html.")
final class SweepCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A float .flx or zoo name (quantized on the fly for each group width), or a quantized "
            + ".flx (its own group width only).")
    String model;

    @Option(names = "--npu", defaultValue = "flexiq-npu", paramLabel = "PRESET|FILE.json", description = "NPU preset or config file "
            + "(default: ${DEFAULT-VALUE}); --array and --group override it per point.")
    String npu;

    @Option(names = "--array", required = true, paramLabel = "RxC,...", description = "Array sizes, e.g. 8x8,16x16,32x32.")
    String arrays;

    @Option(names = "--group", paramLabel = "G,...", description = "Group widths (default: the model's, or the preset's).")
    String groups;

    @Option(names = "--ratio", defaultValue = "0,0.25,0.5,0.75,1", description = "4-bit ratios (default: ${DEFAULT-VALUE}).")
    String ratios;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (points already in it are kept).")
    Path out;

    @Option(names = "--engine", defaultValue = "fast", description = "fast or cycle (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of on-the-fly quantization and cycle-engine inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    /** An (array, group width) pair: one compile, its ratios run on it. */
    private record Unit(int rows, int cols, int group) {
    }

    private final Map<Integer, FutureTask<QuantizedModel>> models = new ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (!engine.equals("fast") && !engine.equals("cycle")) {
            throw new BadInputException("--engine: '" + engine + "' is neither fast nor cycle");
        }
        Extraction e = NpuModels.extraction(extraction);
        NpuConfig preset = NpuPresets.load(npu);
        List<int[]> arrayList = parseArrays(arrays);
        List<Double> ratioList = Ratios.parse("--ratio", ratios);
        ModelArgument a = ModelArgument.resolve(model);
        QuantizedModel fixed = a.file() != null && a.file().quantized() ? NpuModels.quantized(model, null, 0, 0, seed, o) : null;
        List<Integer> groupList = groups == null ? List.of(fixed != null ? fixed.groupWidth() : preset.groupWidth()) : parseInts("--group", groups);
        String name = fixed != null ? fixed.graph().name() : a.model().graph().name();
        if (fixed != null) {
            NpuModels.ratios(fixed, "--ratio", ratios);
        } else {
            for (double r : ratioList) {
                if (r != 0 && QUANTIZED_RATIOS.stream().noneMatch(x -> Math.abs(x - r) < 1e-9)) {
                    throw new BadInputException("--ratio: " + r + " is not among the ratios quantized on the fly " + QUANTIZED_RATIOS);
                }
            }
        }
        Path points = out.resolve("points");
        Files.createDirectories(points);
        try (var stale = Files.list(points)) {
            // what a killed run was writing when it stopped: never a finished point (those are renamed into place)
            for (Path p : stale.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.delete(p);
            }
        }
        List<Unit> units = new ArrayList<>();
        int todo = 0;
        for (int[] rc : arrayList) {
            for (int g : groupList) {
                Unit u = new Unit(rc[0], rc[1], g);
                units.add(u);
                for (double r : ratioList) {
                    todo += Files.exists(file(u, r)) ? 0 : 1;
                }
            }
        }
        int total = units.size() * ratioList.size();
        o.printf(Locale.ROOT, "%s on %s: %d points (%d arrays x %d group widths x %d ratios), %d already in %s%n", name, preset.name(), total,
                arrayList.size(), groupList.size(), ratioList.size(), total - todo, out);
        o.flush();
        Progress progress = new Progress(spec.commandLine().getErr(), "sweep", todo);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, n));
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (Unit u : units) {
                List<Double> missing = ratioList.stream().filter(r -> !Files.exists(file(u, r))).toList();
                if (!missing.isEmpty()) {
                    jobs.add(pool.submit(() -> {
                        run(u, missing, preset, fixed, name, e);
                        progress.advance(missing.size());
                        return null;
                    }));
                }
            }
            for (Future<?> f : jobs) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    throw ex.getCause() instanceof Exception c ? c : ex;
                }
            }
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
        List<SweepPoint> all = new ArrayList<>();
        for (Unit u : units) {
            for (double r : ratioList) {
                all.add(JSON.readValue(file(u, r).toFile(), SweepPoint.class));
            }
        }
        AtomicFiles.write(out.resolve("sweep.json"), Json.write(all));
        SweepReportPage.write(out, all);
        long ok = all.stream().filter(SweepPoint::feasible).count();
        o.printf(Locale.ROOT, "%d feasible, %d infeasible; %s, %s, %s%n", ok, all.size() - ok, out.resolve("sweep.csv"), out.resolve("sweep.json"),
                out.resolve("report.html"));
        return Sim.OK;
    }

    /** The ratios an on-the-fly quantization stores. */
    static final List<Double> QUANTIZED_RATIOS = List.of(0.25, 0.5, 0.75, 1.0);

    private Path file(Unit u, double ratio) {
        return out.resolve("points").resolve(SweepPoint.key(u.rows(), u.cols(), u.group(), ratio) + ".json");
    }

    /** Compiles for one array and group width, times its missing ratios, and saves each point. */
    private void run(Unit u, List<Double> missing, NpuConfig preset, QuantizedModel fixed, String name, Extraction e) throws Exception {
        String npuName = preset.name();
        List<SweepPoint> done = new ArrayList<>();
        try {
            NpuConfig c = preset.with(u.rows(), u.cols(), u.group());
            if (fixed != null && fixed.groupWidth() != u.group()) {
                throw new InfeasibleException(model + " is quantized with G = " + fixed.groupWidth() + "; sweep group widths from a float model "
                        + "or zoo name, which is quantized for each");
            }
            QuantizedModel q = fixed != null ? fixed : quantized(u.group());
            NpuProgram p = NpuCompiler.compile(q, c.target()).program();
            int mode = e == Extraction.DYNAMIC ? FunctionalExecutor.DYNAMIC : FunctionalExecutor.STATIC;
            RunStats base = time(q, p, c, 0, mode, e);
            for (double r : missing) {
                done.add(SweepPoint.of(name, r == 0 ? base : time(q, p, c, r, mode, e), base));
            }
        } catch (InfeasibleException | ConfigException ex) {
            for (double r : missing) {
                done.add(SweepPoint.infeasible(name, npuName, u.rows(), u.cols(), u.group(), r, ex.getMessage()));
            }
        }
        for (SweepPoint s : done) {
            AtomicFiles.write(file(u, s.ratio()), JSON.writeValueAsString(s));
        }
    }

    private RunStats time(QuantizedModel q, NpuProgram p, NpuConfig c, double ratio, int mode, Extraction e) {
        String profile = NpuCompiler.profileName(ratio);
        if (engine.equals("fast")) {
            return FastEngine.run(p, c, profile, mode);
        }
        GoldenExecutor golden = new GoldenExecutor(q, ratio, e);
        Map<String, FloatTensor> input = CalibrationData.load("synthetic:1", q.graph(), seed).get(0);
        return CycleEngine.run(p, c, profile, mode, FunctionalComparison.codes(golden, p, input)).stats();
    }

    /** The model quantized for a group width, once, whichever worker asks first (the others wait for it). */
    private QuantizedModel quantized(int group) throws Exception {
        FutureTask<QuantizedModel> task = models.computeIfAbsent(group, g -> new FutureTask<>(() -> {
            StringWriter note = new StringWriter();
            return NpuModels.quantize(ModelArgument.resolve(model).model(), model, g, 16, seed, new PrintWriter(note));
        }));
        task.run(); // a no-op if another worker ran it
        try {
            return task.get();
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof BadInputException b) {
                throw new InfeasibleException(b.getMessage());
            }
            throw ex.getCause() instanceof Exception c ? c : ex;
        }
    }

    static List<int[]> parseArrays(String text) {
        List<int[]> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String[] rc = s.trim().toLowerCase(Locale.ROOT).split("x");
            try {
                if (rc.length != 2) {
                    throw new NumberFormatException();
                }
                int r = Integer.parseInt(rc[0].trim());
                int c = Integer.parseInt(rc[1].trim());
                if (r < 1 || c < 1) {
                    throw new NumberFormatException();
                }
                out.add(new int[]{r, c});
            } catch (NumberFormatException e) {
                throw new BadInputException("--array: '" + s.trim() + "' is not ROWSxCOLS, e.g. 32x32");
            }
        }
        return out;
    }

    static List<Integer> parseInts(String option, String text) {
        List<Integer> out = new ArrayList<>();
        for (String s : text.split(",")) {
            try {
                int v = Integer.parseInt(s.trim());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": '" + s.trim() + "' is not a positive integer");
            }
        }
        return out;
    }
}
