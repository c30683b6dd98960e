package org.flexiq.cli;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.SweepPoint;
import org.flexiq.reports.SweepReportPage;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.workbench.Engine;
import org.flexiq.workbench.LocalSweep;
import org.flexiq.workbench.ModelCache;
import org.flexiq.workbench.ModelSource;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.workbench.SweepPlan;
import org.flexiq.workbench.SweepPointRunner;
import org.flexiq.workbench.SweepStore;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.cluster.ClusterOptions;
import org.flexiq.workbench.cluster.ClusterSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Times a model over arrays x group widths x 4-bit ratios, on all cores; each finished point is saved at once, "
                + "so a rerun (or a run after Ctrl-C) skips it. Writes DIR/points/*.json, DIR/sweep.json, DIR/sweep.csv, charts and "
                + "DIR/report.html.")
final class SweepCommand implements Callable<Integer> {

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

    @Option(names = "--ratio", description = "4-bit ratios (default: 0,0.25,0.5,0.75,1, those from --min-ratio up).")
    String ratios;

    @Option(names = "--min-ratio", defaultValue = "0", paramLabel = "R", description = "Compile every point's program for the ratios from R "
            + "up, with the weights 4-bit at all of them stored as packed 4-bit codes (sim run --min-ratio); speedups stay over the full "
            + "program's ratio 0 (default: ${DEFAULT-VALUE}).")
    String minRatio;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "Compile every point's program for B images per run "
            + "(sim run --batch): cycles, latency, DRAM bytes and energy are then the batch's (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", converter = OutputPaths.Folder.class, required = true, paramLabel = "DIR", description = "Output folder (points already in it are kept).")
    Path out;

    @Option(names = "--engine", defaultValue = "fast", description = "fast or cycle (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    @Option(names = "--cluster", paramLabel = "HOST:PORT,...", description = "Spread the points over a Hazelcast cluster: members to join "
            + "(started with sim worker). Default: one embedded member on this machine, loopback only.")
    String cluster;

    @Option(names = "--cluster-name", paramLabel = "NAME", description = "The cluster's name; required with --cluster (workers use the same).")
    String clusterName;

    @Option(names = "--interface", paramLabel = "IP", description = "The address this member binds and announces (default: 127.0.0.1; "
            + "another one exposes the member to that network).")
    String iface;

    @Option(names = "--port", defaultValue = "5701", description = "First port this member tries (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--no-cluster", description = "Run on this process's threads without a Hazelcast member (the path before; for comparison).")
    boolean noCluster;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of on-the-fly quantization and cycle-engine inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    private static final List<Double> DEFAULT_RATIOS = List.of(0.0, 0.25, 0.5, 0.75, 1.0);

    @Mixin
    EnergyOptions energyOptions = new EnergyOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Engine eng = Engine.parse("--engine", engine);
        Extraction e = NpuModels.extraction(extraction);
        NpuConfig preset = energyOptions.spec().configure(NpuPresets.load(npu));
        List<int[]> arrayList = SweepPlan.parseArrays("--array", arrays);
        double floor = Ratios.parse("--min-ratio", minRatio).get(0);
        List<Double> ratioList = ratios != null ? Ratios.parse("--ratio", ratios)
                : DEFAULT_RATIOS.stream().filter(r -> r >= floor - QuantizedModel.RATIO_TOLERANCE).toList();
        ModelSource a = ModelSource.resolve(model);
        QuantizedModel fixed = a.file() != null && a.file().quantized() ? NpuModels.quantized(model, null, 0, 0, seed, "--ratio", ratioList, floor, o)
                : null;
        List<Integer> groupList = groups == null ? List.of(fixed != null ? fixed.groupWidth() : preset.groupWidth())
                : SweepPlan.parseInts("--group", groups);
        String name = fixed != null ? fixed.graph().name() : a.model().graph().name();
        SweepPlan plan = new SweepPlan(model, preset, arrayList, groupList, ratioList, eng, e, seed, energyOptions.spec().parameters("--energy", preset),
                floor, batch);
        SweepStore store = new SweepStore(out);
        store.open(plan);
        int todo = LocalSweep.missing(plan, store);
        int total = plan.pointCount();
        o.printf(Locale.ROOT, "%s on %s: %d points (%d arrays x %d group widths x %d ratios), %d already in %s%n", name, preset.name(), total,
                arrayList.size(), groupList.size(), ratioList.size(), total - todo, out);
        o.flush();
        Progress progress = new Progress(spec.commandLine().getErr(), "sweep", todo);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try {
            if (noCluster) {
                if (cluster != null) {
                    throw new BadInputException("--no-cluster: not with --cluster");
                }
                LocalSweep.run(plan, new SweepPointRunner(plan, fixed, name, new ModelCache()), store, n, progress::advance);
            } else {
                ClusterOptions co = cluster == null && clusterName == null && iface == null ? ClusterOptions.alone(n)
                        : new ClusterOptions(clusterName, cluster == null ? List.of() : ClusterOptions.parseMembers("--cluster", cluster),
                        iface == null ? ClusterOptions.LOOPBACK : iface, port, n);
                Map<String, Integer> units = ClusterSweep.run(plan, fixed != null, name, store, co,
                        (points, member, members) -> progress.advance(points, members));
                if (cluster != null) {
                    o.printf(Locale.ROOT, "units run per member: %s%n", units);
                }
            }
        } finally {
            progress.finish();
        }
        List<SweepPoint> all = store.load(plan);
        AtomicFiles.write(out.resolve("sweep.json"), Json.write(all));
        SweepReportPage.write(out, all);
        long ok = all.stream().filter(SweepPoint::feasible).count();
        o.printf(Locale.ROOT, "%d feasible, %d infeasible; %s, %s, %s%n", ok, all.size() - ok, out.resolve("sweep.csv"), out.resolve("sweep.json"),
                out.resolve("report.html"));
        return Sim.OK;
    }
}
