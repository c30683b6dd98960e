package org.flexiq.cli;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.ServeCharts;
import org.flexiq.reports.TextTable;
import org.flexiq.workbench.NpuRuns;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.workbench.AccuracyTable;
import org.flexiq.workbench.serve.Durations;
import org.flexiq.workbench.serve.Arrivals;
import org.flexiq.workbench.serve.Policy;
import org.flexiq.workbench.serve.ServeReport;
import org.flexiq.workbench.serve.ServerSetup;
import org.flexiq.workbench.serve.ServiceModel;
import org.flexiq.workbench.serve.Serving;
import org.flexiq.workbench.serve.ServingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Simulates an inference server on the NPU (fast engine) or the GPU model under a request load: a queue, batches, one or "
                + "several accelerators, and a policy that picks each batch's 4-bit ratio. Prints latency percentiles, throughput, SLO "
                + "violations, drops, the accuracy served and the time at each ratio; --rates sweeps Poisson loads (latency against rate).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized .flx, a float .flx or a zoo name (quantized on the fly).")
    String model;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Option(names = "--gpu", paramLabel = "GPU", description = "Serve on the GPU timing model instead (a6000, a100, rtx3090, h100, h200, t4).")
    String gpu;

    @Option(names = "--kernel", defaultValue = "shipped", description = "With --gpu: shipped or roofline GEMM kernel (default: ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--arrivals", defaultValue = "poisson:1000", paramLabel = "SPEC",
            description = "poisson:RATE, steps:RATE@SECONDS,... (repeating) or trace:FILE (CSV 'timestamp' or 'seconds,rate') (default: ${DEFAULT-VALUE}).")
    String arrivals;

    @Option(names = "--requests", defaultValue = "100000", description = "Requests per run, at most (default: ${DEFAULT-VALUE}).")
    long requests;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop arrivals after this long, e.g. 60s.")
    String duration;

    @Option(names = "--policy", paramLabel = "POLICY", description = "Repeatable: static:R, queue:Q1,Q2,..., slo:TARGET, oracle:TARGET (default: "
            + "static:0, static:1, and slo:SLO with --slo).")
    List<String> policies;

    @Option(names = "--batch", defaultValue = "1", description = "Largest batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--batch-timeout", paramLabel = "DURATION", description = "Start a partial batch once its oldest request has waited this long "
            + "(default: at once).")
    String batchTimeout;

    @Option(names = "--fixed-batch", description = "Wait for full batches (the last requests go as a partial one).")
    boolean fixedBatch;

    @Option(names = "--servers", defaultValue = "1", description = "Accelerators serving the queue (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--queue-limit", defaultValue = "0", description = "Requests that may wait; more are dropped (default: 0, no limit).")
    int queueLimit;

    @Option(names = "--slo", paramLabel = "DURATION", description = "Latency target for counting violations (and of slo: with no --policy), e.g. 2ms.")
    String slo;

    @Option(names = "--accuracy", paramLabel = "FILE.json", description = "Top-1 per ratio from sim accuracy --json or sim tradeoff --json.")
    Path accuracy;

    @Option(names = "--accuracy-series", paramLabel = "METHOD/EXTRACTION", description = "Which rows of --accuracy (default: the first).")
    String accuracySeries;

    @Option(names = "--rates", paramLabel = "R1,R2,...", description = "Also sweep Poisson rates (requests/s): p50, p90, p99 per policy and "
            + "static:0, static:0.5, static:1.")
    String rates;

    @Option(names = "--sweep-requests", defaultValue = "50000", description = "Requests per point of --rates (default: ${DEFAULT-VALUE}).")
    long sweepRequests;

    @Option(names = "--bins", defaultValue = "100", description = "Intervals of the time series (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--group", description = "Group width when quantizing on the fly (default: the NPU's G).")
    Integer group;

    @Option(names = "--ratios", paramLabel = "R1,R2,...", description = "More ratios to serve at, e.g. 0.1,0.2,0.3 for finer steps of the "
            + "adaptive policies: a model quantized on the fly stores them beside 0.25, 0.5, 0.75 and 1; a quantized file must store them "
            + "(sim quantize --ratios). The server chooses among 0 and every stored ratio.")
    String ratios;

    @Option(names = "--min-ratio", defaultValue = "0", paramLabel = "R", description = "On the NPU, serve only the stored ratios from R up, "
            + "with a program that stores the weights 4-bit at all of them as 4-bit codes (sim run --min-ratio); the default policies and "
            + "the --rates sweep then start at R instead of 8-bit (default: ${DEFAULT-VALUE}: every ratio).")
    String minRatio;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the arrivals and of on-the-fly quantization (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write every figure as JSON.")
    Path json;

    @Option(names = "--report", converter = OutputPaths.Folder.class, paramLabel = "DIR",
            description = "Write report.html, series.csv (every policy's time series) and the charts: the time series per policy and, with --rates, "
                    + "latency against rate (PNG and SVG).")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (requests < 1 || sweepRequests < 1 || bins < 1) {
            throw new BadInputException("--requests, --sweep-requests and --bins must be positive");
        }
        if (batch < 1 || servers < 1 || queueLimit < 0) {
            throw new BadInputException("--batch and --servers must be positive, --queue-limit not negative");
        }
        Arrivals load = Arrivals.parse("--arrivals", arrivals);
        double seconds = duration == null ? Double.POSITIVE_INFINITY : Durations.parse("--duration", duration);
        double sloSeconds = slo == null ? 0 : Durations.parse("--slo", slo);
        ServerSetup setup = new ServerSetup(servers, batch, fixedBatch, batchTimeout == null ? 0 : Durations.parse("--batch-timeout", batchTimeout), queueLimit,
                sloSeconds);
        double floor = Ratios.parse("--min-ratio", minRatio).get(0);
        if (floor > 0 && gpu != null) {
            throw new BadInputException("--min-ratio: a ratio floor stores the NPU program's weights as 4-bit codes; the GPU path (--gpu) has none");
        }
        List<Policy> ps = new ArrayList<>();
        if (policies == null || policies.isEmpty()) {
            ps.add(new Policy.Static(floor));
            ps.add(new Policy.Static(1));
            if (sloSeconds > 0) {
                ps.add(new Policy.Slo(sloSeconds));
            }
        } else {
            for (String p : policies) {
                ps.add(Policy.parse("--policy", p));
            }
        }
        Extraction e = NpuModels.extraction(extraction);
        int g = group != null ? group : npu.config(null).groupWidth();
        List<Double> extra = ratios == null ? List.of() : Ratios.parse("--ratios", ratios);
        QuantizedModel q = NpuModels.quantized(model, group, g, 16, seed, "--ratios", extra, floor, out);
        ServiceModel service = gpu != null
                ? Serving.gpu(q, GpuOptions.spec(gpu), GpuOptions.kernel(kernel), q.ratios())
                : Serving.npu(q, npu.config(q.groupWidth()), NpuRuns.mode(e), q.ratios(), floor);
        AccuracyTable acc = accuracy == null ? null : AccuracyTable.read(accuracy, accuracySeries);
        out.printf(Locale.ROOT, "%s on %s%n", q.graph().name(), service.describe());
        Serving.warm(service, batch);
        out.print(serviceTable(service).render());
        List<Double> choices = service.worthChoosing(batch);
        if (!choices.equals(service.ratios())) {
            List<String> skipped = service.ratios().stream().filter(r -> !choices.contains(r)).map(org.flexiq.reports.SweepPoint::ratioText).toList();
            out.printf(Locale.ROOT, "note: at batch %d, ratio%s %s serve%s no faster than a lower ratio (which is at least as accurate): "
                    + "the adaptive policies step through %s only%n", batch, skipped.size() == 1 ? "" : "s", String.join(", ", skipped),
                    skipped.size() == 1 ? "s" : "", String.join(", ", choices.stream().map(org.flexiq.reports.SweepPoint::ratioText).toList()));
        }
        out.printf(Locale.ROOT, "%narrivals %s (mean %.1f requests/s), at most %d requests%s, seed %d; %d server%s, batch %s%s, queue %s, SLO %s%s%n",
                arrivals, load.meanRate(), requests, duration == null ? "" : " or " + duration, seed, servers, servers == 1 ? "" : "s",
                fixedBatch ? batch + " (fixed)" : "up to " + batch, batchTimeout == null ? "" : " (timeout " + batchTimeout + ")",
                queueLimit == 0 ? "unlimited" : "of " + queueLimit, slo == null ? "none" : slo, acc == null ? "" : "; accuracy from " + acc.source());
        Progress progress = new Progress(spec.commandLine().getErr(), "serve", (int) Math.min(Integer.MAX_VALUE, requests * ps.size()));
        List<ServingResult> results = Serving.run(new Serving.Plan(load, arrivals, requests, seconds, seed, setup, ps, bins), service, acc,
                n -> progress.advance((int) n));
        progress.finish();
        out.print(results(results, service.ratios()).render());
        Map<String, List<ServeCharts.RatePoint>> sweep = null;
        if (rates != null) {
            List<Double> rs = rateList(rates);
            List<Policy> swept = Serving.sweptPolicies(ps, service);
            Progress sp = new Progress(spec.commandLine().getErr(), "rates", (int) Math.min(Integer.MAX_VALUE, sweepRequests * rs.size() * swept.size()));
            sweep = Serving.sweep(rs, swept, service, setup, sweepRequests, seed, n -> sp.advance((int) n));
            sp.finish();
            out.printf(Locale.ROOT, "%nlatency against Poisson rate (%d requests per point):%n", sweepRequests);
            out.print(sweepTable(sweep).render());
            Double p90 = sloSeconds > 0 ? 1e3 * sloSeconds : null;
            String low = "static:" + org.flexiq.reports.SweepPoint.ratioText(service.ratios().get(0));
            if (p90 != null && sweep.containsKey(low) && sweep.containsKey("static:1") && !low.equals("static:1")) {
                double r0 = Serving.sustainedRate(sweep.get(low), p90);
                double r1 = Serving.sustainedRate(sweep.get("static:1"), p90);
                out.printf(Locale.ROOT, "rate with p90 under %s: %s %.0f/s, 100%% 4-bit %.0f/s (%.2fx)%n", slo,
                        floor == 0 ? "8-bit" : "ratio " + org.flexiq.reports.SweepPoint.ratioText(service.ratios().get(0)), r0, r1, r1 / r0);
            }
        }
        if (json != null) {
            AtomicFiles.write(json, Json.write(json(q.graph().name(), service, results, sweep)));
        }
        if (report != null) {
            ServeReport.write(report, q.graph().name(), results, sweep);
        }
        return Sim.OK;
    }


    private static List<Double> rateList(String text) {
        List<Double> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                double v = Double.parseDouble(part.strip());
                if (v > 0 && Double.isFinite(v)) {
                    out.add(v);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BadInputException("--rates: '" + part + "' is not a positive request rate");
        }
        out.sort(Double::compare);
        return out;
    }

    private TextTable serviceTable(ServiceModel service) {
        List<String> headers = new ArrayList<>(List.of("batch"));
        List<TextTable.Align> aligns = new ArrayList<>(List.of(TextTable.Align.RIGHT));
        for (double r : service.ratios()) {
            headers.add("ratio " + org.flexiq.reports.SweepPoint.ratioText(r));
            aligns.add(TextTable.Align.RIGHT);
        }
        TextTable t = new TextTable(headers, aligns);
        for (int b : batch == 1 ? new int[]{1} : new int[]{1, batch}) {
            List<Object> row = new ArrayList<>(List.of(b));
            for (double r : service.ratios()) {
                row.add(String.format(Locale.ROOT, "%.1f us", 1e6 * service.seconds(r, b)));
            }
            t.row(row.toArray());
        }
        return t;
    }

    private static TextTable results(List<ServingResult> results, List<Double> ratios) {
        List<String> headers = new ArrayList<>(List.of("policy", "p50", "p90", "p99", "mean", "throughput", "SLO violations", "dropped", "accuracy",
                "switches", "util"));
        for (double r : ratios) {
            headers.add("time at " + org.flexiq.reports.SweepPoint.ratioText(r));
        }
        List<TextTable.Align> aligns = new ArrayList<>();
        aligns.add(TextTable.Align.LEFT);
        while (aligns.size() < headers.size()) {
            aligns.add(TextTable.Align.RIGHT);
        }
        TextTable t = new TextTable(headers, aligns);
        for (ServingResult r : results) {
            List<Object> row = new ArrayList<>(List.of(r.policy(), ms(r.p50()), ms(r.p90()), ms(r.p99()), ms(r.meanLatency()),
                    String.format(Locale.ROOT, "%.1f/s", r.throughput()),
                    r.setup().slo() > 0 ? RunCommand.percent((double) r.sloViolations() / Math.max(1, r.served())) : "-", r.dropped(),
                    r.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * r.accuracy()), r.switches(),
                    RunCommand.percent(r.utilization())));
            for (double ratio : ratios) {
                row.add(RunCommand.percent(r.timeShare().get(ratio)));
            }
            t.row(row.toArray());
        }
        return t;
    }

    private static TextTable sweepTable(Map<String, List<ServeCharts.RatePoint>> sweep) {
        TextTable t = new TextTable(List.of("policy", "rate", "p50", "p90", "p99"), List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT,
                TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (var e : sweep.entrySet()) {
            for (ServeCharts.RatePoint p : e.getValue()) {
                t.row(e.getKey(), String.format(Locale.ROOT, "%.0f/s", p.rate()), msText(p.p50Ms()), msText(p.p90Ms()), msText(p.p99Ms()));
            }
        }
        return t;
    }

    private static String ms(double seconds) {
        return ServeReport.ms(seconds);
    }

    private static String msText(double ms) {
        return ServeReport.ms(ms / 1e3);
    }

    private static Map<String, Object> json(String model, ServiceModel service, List<ServingResult> results, Map<String, List<ServeCharts.RatePoint>> sweep) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("service", service.describe());
        Map<String, Object> times = new LinkedHashMap<>();
        for (double r : service.ratios()) {
            times.put(org.flexiq.reports.SweepPoint.ratioText(r), 1e6 * service.seconds(r, 1));
        }
        m.put("serviceUsBatch1", times);
        m.put("switchUs", 1e6 * service.switchSeconds());
        m.put("runs", results);
        if (sweep != null) {
            m.put("sweep", sweep);
        }
        return m;
    }
}
