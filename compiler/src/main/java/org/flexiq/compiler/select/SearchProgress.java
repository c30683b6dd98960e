package org.flexiq.compiler.select;

/** Receives the evolutionary search's progress (a terminal shows it; CI ignores it). */
@FunctionalInterface
public interface SearchProgress {
    SearchProgress NONE = (ratio, generation, generations, best) -> { };

    void generation(double ratio, int generation, int generations, double bestFitness);
}
