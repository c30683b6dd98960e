package org.flexiq.compiler.select;

import org.flexiq.compiler.quant.Site;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * FlexiQ's evolutionary channel selection, one ratio at a time from the smallest, each ratio adding groups
 * to those of the ratio before (nesting). Chromosome: per site, the groups it adds (4-bit flags at group
 * granularity); crossover takes whole sites from either parent (one cut in layer order); mutation swaps a
 * chosen group for an unchosen one within a site; fitness: {@link FitnessEvaluator}. The greedy selection
 * seeds the population and the best two survive each generation, so the result is never worse than greedy.
 */
final class EvolutionarySelector implements ChannelSelector {
    private static final double CROSSOVER = 0.9;
    private static final int ELITES = 2;
    private static final int TOURNAMENT = 3;

    private final FitnessEvaluator evaluator;
    private final int population;
    private final int generations;
    private final long seed;
    private final int groupWidth;
    private final SearchProgress progress;
    private final List<StageReport> reports = new ArrayList<>();

    EvolutionarySelector(FitnessEvaluator evaluator, int population, int generations, long seed, int groupWidth, SearchProgress progress) {
        if (population < 2 || generations < 1) {
            throw new IllegalArgumentException("the search needs a population of at least 2 and at least 1 generation, got "
                    + population + " x " + generations);
        }
        this.evaluator = evaluator;
        this.population = population;
        this.generations = generations;
        this.seed = seed;
        this.groupWidth = groupWidth;
        this.progress = progress;
    }

    List<StageReport> reports() {
        return List.copyOf(reports);
    }

    @Override
    public List<int[]> groupOrders(List<SiteGroups> sites, List<Double> ratios, int[][] counts) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = sites.size();
        List<List<Integer>> fixed = new ArrayList<>();
        int[][] greedyRank = new int[n][];
        for (SiteGroups s : sites) {
            fixed.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            greedyRank[i] = sites.get(i).byScore();
        }
        for (int ri = 0; ri < ratios.size(); ri++) {
            double ratio = ratios.get(ri);
            int[][] free = new int[n][];
            int[] add = new int[n];
            boolean search = false;
            for (int i = 0; i < n; i++) {
                List<Integer> f = fixed.get(i);
                free[i] = Arrays.stream(greedyRank[i]).filter(k -> !f.contains(k)).toArray();
                add[i] = Math.max(0, counts[i][ri] - f.size());
                search |= add[i] > 0 && add[i] < free[i].length;
            }
            int[][] best;
            if (search) {
                best = search(sites, fixed, free, add, ratio, rng);
            } else {
                best = new int[n][];
                for (int i = 0; i < n; i++) {
                    best[i] = Arrays.copyOf(free[i], add[i]);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int k : best[i]) {
                    fixed.get(i).add(k);
                }
            }
        }
        List<int[]> orders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> f = fixed.get(i);
            int[] rest = Arrays.stream(greedyRank[i]).filter(k -> !f.contains(k)).toArray();
            int[] o = new int[sites.get(i).count()];
            int p = 0;
            for (int k : f) {
                o[p++] = k;
            }
            for (int k : rest) {
                o[p++] = k;
            }
            orders.add(o);
        }
        return orders;
    }

    /** Candidate: per site the positions (into free[i], ascending) of the groups it adds. */
    private int[][] search(List<SiteGroups> sites, List<List<Integer>> fixed, int[][] free, int[] add, double ratio, SplittableRandom rng) {
        int n = sites.size();
        long evalBefore = evaluator.evaluations();
        long hitsBefore = evaluator.cacheHits();
        int[][] greedy = new int[n][];
        for (int i = 0; i < n; i++) {
            greedy[i] = IntStream.range(0, add[i]).toArray();
        }
        List<int[][]> pop = new ArrayList<>();
        pop.add(greedy);
        while (pop.size() < population) {
            int[][] c = copy(greedy);
            if (pop.size() % 2 == 0) {
                for (int i = 0; i < n; i++) {
                    c[i] = randomSubset(free[i].length, add[i], rng);
                }
            } else {
                for (int m = 0; m < 1 + rng.nextInt(Math.max(1, n)); m++) {
                    mutateSite(c, rng.nextInt(n), free, rng);
                }
            }
            pop.add(c);
        }
        Map<String, Double> fitness = new HashMap<>();
        double greedyFitness = Double.NaN;
        int[][] best = greedy;
        for (int gen = 1; gen <= generations; gen++) {
            evaluateAll(pop, fitness, sites, fixed, free, ratio);
            if (gen == 1) {
                greedyFitness = fitness.get(key(greedy));
            }
            List<int[][]> ranked = new ArrayList<>(pop);
            ranked.sort((a, b) -> Double.compare(fitness.get(key(a)), fitness.get(key(b))));
            best = ranked.get(0);
            progress.generation(ratio, gen, generations, fitness.get(key(best)));
            if (gen == generations) {
                break;
            }
            List<int[][]> next = new ArrayList<>(ranked.subList(0, Math.min(ELITES, ranked.size())));
            while (next.size() < population) {
                int[][] a = tournament(pop, fitness, rng);
                int[][] b = tournament(pop, fitness, rng);
                int[][] child = rng.nextDouble() < CROSSOVER && n > 1 ? crossover(a, b, rng) : copy(a);
                double pm = Math.max(1.0 / n, 0.1);
                for (int i = 0; i < n; i++) {
                    if (rng.nextDouble() < pm) {
                        mutateSite(child, i, free, rng);
                    }
                }
                next.add(child);
            }
            pop = next;
        }
        reports.add(new StageReport(ratio, greedyFitness, fitness.get(key(best)),
                evaluator.evaluations() - evalBefore, evaluator.cacheHits() - hitsBefore));
        int[][] chosen = new int[n][];
        for (int i = 0; i < n; i++) {
            chosen[i] = new int[best[i].length];
            for (int j = 0; j < best[i].length; j++) {
                chosen[i][j] = free[i][best[i][j]];
            }
        }
        return chosen;
    }

    private void evaluateAll(List<int[][]> pop, Map<String, Double> fitness, List<SiteGroups> sites,
                             List<List<Integer>> fixed, int[][] free, double ratio) {
        Map<String, int[][]> todo = new LinkedHashMap<>();
        for (int[][] ind : pop) {
            if (!fitness.containsKey(key(ind))) {
                todo.putIfAbsent(key(ind), ind);
            }
        }
        List<int[][]> list = new ArrayList<>(todo.values());
        double[] values = new double[list.size()];
        IntStream.range(0, list.size()).parallel().forEach(j ->
                values[j] = evaluator.evaluate(sitesFor(list.get(j), sites, fixed, free, ratio), ratio));
        for (int j = 0; j < list.size(); j++) {
            fitness.put(key(list.get(j)), values[j]);
        }
    }

    private Map<String, Site> sitesFor(int[][] ind, List<SiteGroups> sites, List<List<Integer>> fixed, int[][] free, double ratio) {
        Map<String, Site> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            SiteGroups s = sites.get(i);
            int[] order = new int[s.count()];
            boolean[] used = new boolean[s.count()];
            int p = 0;
            for (int k : fixed.get(i)) {
                order[p++] = k;
                used[k] = true;
            }
            for (int j : ind[i]) {
                order[p++] = free[i][j];
                used[free[i][j]] = true;
            }
            for (int k : free[i]) {
                if (!used[k]) {
                    order[p++] = k;
                }
            }
            m.put(s.site.tensor(), s.apply(order, new int[]{fixed.get(i).size() + ind[i].length}, groupWidth));
        }
        return m;
    }

    private static int[][] tournament(List<int[][]> pop, Map<String, Double> fitness, SplittableRandom rng) {
        int[][] best = null;
        for (int t = 0; t < TOURNAMENT; t++) {
            int[][] c = pop.get(rng.nextInt(pop.size()));
            if (best == null || fitness.get(key(c)) < fitness.get(key(best))) {
                best = c;
            }
        }
        return best;
    }

    private static int[][] crossover(int[][] a, int[][] b, SplittableRandom rng) {
        int cut = 1 + rng.nextInt(a.length - 1);
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = (i < cut ? a[i] : b[i]).clone();
        }
        return c;
    }

    /** Swaps one added group of site i for one it does not add. */
    private static void mutateSite(int[][] ind, int i, int[][] free, SplittableRandom rng) {
        int[] chosen = ind[i];
        if (chosen.length == 0 || chosen.length == free[i].length) {
            return;
        }
        boolean[] in = new boolean[free[i].length];
        for (int j : chosen) {
            in[j] = true;
        }
        int out;
        do {
            out = rng.nextInt(free[i].length);
        } while (in[out]);
        chosen[rng.nextInt(chosen.length)] = out;
        Arrays.sort(chosen);
    }

    private static int[] randomSubset(int n, int k, SplittableRandom rng) {
        int[] all = IntStream.range(0, n).toArray();
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] s = Arrays.copyOf(all, k);
        Arrays.sort(s);
        return s;
    }

    private static int[][] copy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static String key(int[][] ind) {
        return Arrays.deepToString(ind);
    }
}
