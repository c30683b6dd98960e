package org.flexiq.workbench.serve;

import org.flexiq.workbench.AccuracyTable;
import org.flexiq.workbench.Ratios;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;
import org.flexiq.reports.ServeCharts;
import org.flexiq.simulator.NpuConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * The serving flows: a server on the simulated NPU or on the GPU model, the same arrivals under each policy, and a sweep of
 * Poisson rates for latency against load. Runs are independent, so they go in parallel (each with its own policy state);
 * each is sequential and seeded, so the results do not depend on the cores.
 */
public final class Serving {
    private Serving() {
    }

    /**
     * What to run.
     *
     * @param requests most requests per run; {@code seconds} the longest time (a trace of timestamps ends with itself)
     */
    public record Plan(Arrivals arrivals, String arrivalsText, long requests, double seconds, long seed, ServerSetup setup, List<Policy> policies,
                       int bins) {
    }

    /** The model on the NPU, timed by the fast engine, at ratio 0 and every ratio it stores. */
    public static NpuServiceModel npu(QuantizedModel q, NpuConfig config, int extractionMode, List<Double> storedRatios) {
        return npu(q, config, extractionMode, storedRatios, 0);
    }

    /**
     * The model on the NPU compiled for a ratio floor ({@link org.flexiq.workbench.FloorPrograms}): at every stored ratio from
     * {@code minRatio} up, with the weights 4-bit at all of them stored as 4-bit codes; minRatio 0 is the full program, 8-bit
     * included. A floor the model does not store is refused, naming --min-ratio.
     */
    public static NpuServiceModel npu(QuantizedModel q, NpuConfig config, int extractionMode, List<Double> storedRatios, double minRatio) {
        if (minRatio == 0) {
            return new NpuServiceModel(b -> org.flexiq.workbench.FloorPrograms.full(q, config, b), config, extractionMode, withZero(storedRatios));
        }
        List<Double> served = storedRatios.stream().filter(r -> r >= minRatio - QuantizedModel.RATIO_TOLERANCE).sorted().toList();
        Ratios.requireStored(q, "--min-ratio", List.of(minRatio));
        return new NpuServiceModel(b -> org.flexiq.workbench.FloorPrograms.floorOnly(q, config, minRatio, "--min-ratio", b), config,
                extractionMode, served);
    }

    /** The model on the GPU timing model, at ratio 0 and every ratio it stores. */
    public static GpuServiceModel gpu(QuantizedModel q, GpuSpec gpu, GpuTimingModel.GemmKernel kernel, List<Double> storedRatios) {
        return new GpuServiceModel(q, gpu, kernel, withZero(storedRatios));
    }

    private static List<Double> withZero(List<Double> ratios) {
        List<Double> out = new ArrayList<>();
        out.add(0.0);
        ratios.stream().filter(r -> r > 0).sorted().forEach(out::add);
        return out;
    }

    /** Every (ratio, batch size up to the setup's) service time, computed before the parallel runs share the cache. */
    public static void warm(ServiceModel service, int batch) {
        for (double r : service.ratios()) {
            IntStream.rangeClosed(1, batch).parallel().forEach(b -> service.seconds(r, b));
        }
    }

    /** Each policy on the same arrivals. */
    public static List<ServingResult> run(Plan plan, ServiceModel service, AccuracyTable accuracy, LongConsumer progress) {
        warm(service, plan.setup().batch());
        double[] arrivals = plan.arrivals().sample(plan.seed(), plan.requests(), plan.seconds());
        ServingSimulation sim = new ServingSimulation(plan.setup(), service, accuracy);
        return plan.policies().parallelStream().map(p -> sim.run(arrivals, plan.arrivalsText(), p.fresh(), plan.bins(), progress)).toList();
    }

    /**
     * What a rate sweep compares: static 0, 0.5 and 1 (which the model must store), then the given policies not among them;
     * a server with a ratio floor ({@code --min-ratio}) compares its lowest ratio, 0.5 where it serves it, and 1 instead.
     */
    public static List<Policy> sweptPolicies(List<Policy> given, ServiceModel service) {
        double lowest = service.ratios().get(0);
        List<Policy> swept = new ArrayList<>(lowest == 0 ? List.of(new Policy.Static(0), new Policy.Static(0.5), new Policy.Static(1))
                : service.ratios().stream().filter(r -> r == lowest || r == 0.5 || r == 1).map(r -> (Policy) new Policy.Static(r)).toList());
        for (Policy p : given) {
            if (swept.stream().noneMatch(x -> x.id().equals(p.id()))) {
                swept.add(p);
            }
        }
        for (Policy p : swept) {
            if (p instanceof Policy.Static s && !service.ratios().contains(s.ratio())) {
                throw new org.flexiq.workbench.BadInputException("--rates sweeps static:0, static:0.5 and static:1; the model stores "
                        + service.ratios());
            }
        }
        return swept;
    }

    /** Latency percentiles at each Poisson rate, for each policy: FlexiQ's Fig. 8. */
    public static Map<String, List<ServeCharts.RatePoint>> sweep(List<Double> rates, List<Policy> policies, ServiceModel service, ServerSetup setup,
                                                                 long requests, long seed, LongConsumer progress) {
        warm(service, setup.batch());
        ServingSimulation sim = new ServingSimulation(setup, service, null);
        record Job(int policy, double rate) {
        }
        List<Job> jobs = new ArrayList<>();
        for (int p = 0; p < policies.size(); p++) {
            for (double rate : rates) {
                jobs.add(new Job(p, rate));
            }
        }
        List<ServeCharts.RatePoint> points = jobs.parallelStream().map(j -> {
            ServingResult r = sim.run(new Arrivals.Poisson(j.rate()).sample(seed, requests, Double.POSITIVE_INFINITY), "poisson",
                    policies.get(j.policy()).fresh(), 1, null);
            if (progress != null) {
                progress.accept(requests);
            }
            return new ServeCharts.RatePoint(j.rate(), 1e3 * r.p50(), 1e3 * r.p90(), 1e3 * r.p99());
        }).toList();
        Map<String, List<ServeCharts.RatePoint>> out = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            out.computeIfAbsent(policies.get(jobs.get(i).policy()).id(), k -> new ArrayList<>()).add(points.get(i));
        }
        return out;
    }

    /**
     * The highest rate of the sweep at which a policy's p90 stays under {@code p90}, interpolated linearly between the two
     * rates around the crossing (NaN when even the lowest rate is over it; the highest rate when none is).
     */
    public static double sustainedRate(List<ServeCharts.RatePoint> points, double p90Ms) {
        if (points.isEmpty() || points.get(0).p90Ms() > p90Ms) {
            return Double.NaN;
        }
        for (int i = 1; i < points.size(); i++) {
            ServeCharts.RatePoint a = points.get(i - 1);
            ServeCharts.RatePoint b = points.get(i);
            if (b.p90Ms() > p90Ms) {
                return a.rate() + (b.rate() - a.rate()) * (p90Ms - a.p90Ms()) / (b.p90Ms() - a.p90Ms());
            }
        }
        return points.get(points.size() - 1).rate();
    }

    /** A run's time series as the chart takes it. */
    public static List<ServeCharts.Interval> intervals(ServingResult r) {
        return r.series().stream().map(b -> new ServeCharts.Interval(b.start(), b.rate(), b.ratio(), b.queue(), 1e3 * b.p90())).toList();
    }
}
