package org.flexiq.compiler.select;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.workloads.ir.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** FlexiQ's channel selection over nested ratios: the public entry point of this package. */
public final class ChannelSelection {
    /** The selection methods the paper compares. */
    public enum Method {
        RANDOM, GREEDY, EVOLUTIONARY;

        public static Method parse(String s) {
            return ChannelSelection.parse(Method.class, s, "selection method");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a 4-bit ratio r counts. LAYER (the paper's reading): every site turns round(r x its groups) groups 4-bit.
     * MODEL: the 4-bit groups carry at least r of the model's 4-bit-capable MACs, spread over the sites by the
     * error score per MAC (greedy), so a site whose groups are costly (a 64-channel tensor that is one group at
     * G = 64) may stay 8-bit at 50% while cheaper sites go further. Either way the ratios nest, and switching ratio
     * is one register per layer.
     */
    public enum Budget {
        LAYER, MODEL;

        public static Budget parse(String s) {
            return ChannelSelection.parse(Budget.class, s, "ratio budget");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What the search's fitness compares between a candidate's outputs and the 8-bit model's (squared L2 distance,
     * averaged over samples). SOFTMAX, the paper's soft labels: the softmax over each output's last axis, so a
     * confident prediction's logits may move without cost while a near tie counts. OUTPUTS: the outputs themselves,
     * the default because every figure recorded so far was searched with it (compiler/README.md compares the two).
     */
    public enum Fitness {
        SOFTMAX, OUTPUTS;

        /** What a search compares when nothing is chosen. */
        public static final Fitness DEFAULT = OUTPUTS;

        public static Fitness parse(String s) {
            return ChannelSelection.parse(Fitness.class, s, "fitness");
        }

        /** The fitness a quantized file's selection was searched with; files from before the choice compared OUTPUTS. */
        public static Fitness recorded(QuantizedModel q) {
            return parse(q.metadata().getOrDefault("flexiq.selection.fitness", "outputs"));
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Metadata key of a model whose static shifts were judged at the outputs: how, and how many groups moved. */
    public static final String JUDGED_SHIFTS = "flexiq.selection.staticShifts";

    /**
     * How the static activation shifts are chosen. MSE: per group, the shift of least expected squared error of its codes
     * over the calibrated code distribution ({@link org.flexiq.compiler.quant.BitExtractor}), the default. OUTPUTS: judged
     * at the model's outputs on the fitness samples ({@link StaticShiftSearch}), starting from the MSE shifts; the file
     * then stores the shifts themselves.
     */
    public enum StaticShifts {
        MSE, OUTPUTS;

        public static StaticShifts parse(String s) {
            return ChannelSelection.parse(StaticShifts.class, s, "static shift rule");
        }

        /** The rule a quantized file's shifts were chosen by. */
        public static StaticShifts recorded(QuantizedModel q) {
            return q.metadata().containsKey(JUDGED_SHIFTS) ? OUTPUTS : MSE;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param extraction the extraction the selection is optimized for
     * @param population evolutionary search: individuals per generation (paper: 50)
     * @param generations evolutionary search: generations per ratio (paper: 50)
     * @param seed       random and evolutionary selection
     * @param budget     what a ratio counts (per layer, or model-wide by MACs)
     * @param fitness    what the search's fitness compares
     * @param staticShifts how the static activation shifts are chosen
     */
    public record Options(Method method, Extraction extraction, int population, int generations, long seed, Budget budget,
                          Fitness fitness, StaticShifts staticShifts) {
        public Options(Method method, Extraction extraction, int population, int generations, long seed, Budget budget,
                       Fitness fitness) {
            this(method, extraction, population, generations, seed, budget, fitness, StaticShifts.MSE);
        }

        public Options(Method method, Extraction extraction, int population, int generations, long seed) {
            this(method, extraction, population, generations, seed, Budget.LAYER);
        }

        public Options(Method method, Extraction extraction, int population, int generations, long seed, Budget budget) {
            this(method, extraction, population, generations, seed, budget, Fitness.DEFAULT);
        }
    }

    /** The model with its selection, per-ratio search reports (evolutionary only) and the wall time. */
    public record Result(QuantizedModel model, List<StageReport> stages, double seconds) {
    }

    private ChannelSelection() {
    }

    /** An option's enum constant by its lower-case id; an unknown one names the choices. */
    private static <E extends Enum<E>> E parse(Class<E> type, String s, String what) {
        try {
            return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder choices = new StringBuilder();
            E[] all = type.getEnumConstants();
            for (int i = 0; i < all.length; i++) {
                choices.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(what + " '" + s + "': expected " + choices);
        }
    }

    public static Result select(QuantizedModel int8, List<Double> ratios, Options o,
                                List<Map<String, FloatTensor>> calibration, SearchProgress progress) {
        List<Double> sorted = checkRatios(ratios);
        long t0 = System.nanoTime();
        // the rule decides, whatever shifts the model already holds: a re-selection may cut other candidate groups (channels
        // of equal range tie differently once laid out), so judged shifts are judged again for them
        Map<String, Site> unjudged = new LinkedHashMap<>();
        int8.sites().forEach((t, s) -> unjudged.put(t, s.withJudgedShift(null)));
        int8 = int8.withSites(unjudged, int8.ratios());
        StaticShiftSearch.Judged judged = null;
        if (o.staticShifts() == StaticShifts.OUTPUTS) {
            if (calibration.isEmpty()) {
                throw new IllegalArgumentException("static shifts judged at the outputs need calibration samples for the fitness");
            }
            // the shifts are judged as static extraction runs them, whatever extraction the selection is for
            FitnessEvaluator judge = new FitnessEvaluator(int8, calibration, Extraction.STATIC, o.fitness());
            judged = StaticShiftSearch.judge(SiteGroups.of(int8, Extraction.STATIC), judge, int8.groupWidth());
            int8 = int8.withSites(judged.sites(), int8.ratios());
        }
        List<SiteGroups> groups = SiteGroups.of(int8, o.extraction());
        boolean needsFitness = o.method() == Method.EVOLUTIONARY || o.budget() == Budget.MODEL;
        FitnessEvaluator fitness = calibration.isEmpty() || !needsFitness ? null : new FitnessEvaluator(int8, calibration, o.extraction(), o.fitness());
        // a model-wide budget spreads the groups by their measured effect on the outputs when there is data to
        // measure it on, by the per-layer score otherwise
        double[][] cost = o.budget() == Budget.LAYER ? null : fitness != null
                ? RatioAllocation.measuredCosts(groups, fitness, int8.groupWidth(), sorted.get(sorted.size() - 1))
                : RatioAllocation.scoreCosts(groups);
        int[][] counts = RatioAllocation.counts(groups, sorted, o.budget(), cost);
        ChannelSelector selector;
        EvolutionarySelector evo = null;
        switch (o.method()) {
            case RANDOM -> selector = new RandomSelector(o.seed());
            case GREEDY -> selector = new GreedySelector();
            default -> {
                if (fitness == null) {
                    throw new IllegalArgumentException("evolutionary selection needs calibration samples for its fitness");
                }
                evo = new EvolutionarySelector(fitness,
                        o.population(), o.generations(), o.seed(), int8.groupWidth(), progress);
                selector = evo;
            }
        }
        List<int[]> orders = selector.groupOrders(groups, sorted, counts);
        Map<String, Site> sites = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            SiteGroups g = groups.get(i);
            sites.put(g.site.tensor(), g.apply(orders.get(i), counts[i], int8.groupWidth()));
        }
        QuantizedModel selected = int8.withSites(sites, sorted).withMetadata(Map.of(
                "flexiq.selection", o.method().id(),
                "flexiq.selection.extraction", o.extraction().id(),
                "flexiq.selection.budget", o.budget().id(),
                "flexiq.selection.fitness", o.fitness().id(),
                "flexiq.selection.seed", Long.toString(o.seed())));
        if (judged != null) {
            // only then: files selected with the MSE shifts keep the bytes they had before the choice existed
            selected = selected.withMetadata(Map.of(JUDGED_SHIFTS, o.staticShifts().id() + " on " + calibration.size()
                    + " samples, " + judged.moved() + " of " + judged.groups() + " groups off their MSE shift"));
        }
        return new Result(selected, evo == null ? List.of() : evo.reports(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The search's fitness (mean squared L2 distance of the outputs, compared as {@code metric} says, to the 8-bit
     * model's) of a selected model at one of its stored ratios, on the given samples: for reporting a selection on
     * samples the search did not see.
     */
    public static double fitness(QuantizedModel selected, double ratio, Extraction extraction, Fitness metric,
                                 List<Map<String, FloatTensor>> samples) {
        int r = selected.ratioIndex(ratio);
        Map<String, Site> one = new LinkedHashMap<>();
        for (Site s : selected.sites().values()) {
            one.put(s.tensor(), s.withSelection(s.order(), new int[]{s.fourBitChannels()[r]}));
        }
        return new FitnessEvaluator(selected, samples, extraction, metric).evaluate(one, ratio);
    }

    /** Ratios in (0, 1], without repeats, ascending. */
    public static List<Double> checkRatios(List<Double> ratios) {
        if (ratios.isEmpty()) {
            throw new IllegalArgumentException("at least one 4-bit ratio is needed");
        }
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort(null);
        for (int i = 0; i < sorted.size(); i++) {
            double r = sorted.get(i);
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException("4-bit ratio " + r + " is not in (0, 1] (ratio 0, all 8-bit, is always available)");
            }
            if (i > 0 && r - sorted.get(i - 1) < QuantizedModel.RATIO_TOLERANCE) {
                throw new IllegalArgumentException("4-bit ratio " + r + " is given twice");
            }
        }
        return sorted;
    }
}
