package org.flexiq.compiler.select;

/**
 * One ratio of a nested search.
 *
 * @param greedyFitness the greedy selection's fitness at this ratio (the search's starting point)
 * @param bestFitness   the selection kept (never worse than greedy's)
 * @param evaluations   fitness evaluations run; cacheHits of them resumed from cached activations
 */
public record StageReport(double ratio, double greedyFitness, double bestFitness, long evaluations, long cacheHits) {
}
