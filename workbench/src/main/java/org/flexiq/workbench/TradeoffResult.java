package org.flexiq.workbench;

import java.util.List;

/**
 * A model's measured trade-off: NPU timing per ratio (fast engine, checked against the golden executor) and
 * top-1 accuracy per selection method, extraction and ratio on real data.
 *
 * @param timings    per ratio (0 first) of the first method's model
 * @param series     one per (method, extraction): each point's latency is that method's model's own
 * @param selections per method: search time and fitness per ratio on the search's samples and held out
 * @param minRatio   the ratio floor timed as well (0: none)
 * @param floorTimings per ratio from the floor up, the first method's model compiled for the floor (speed-ups over the full
 *                   program's 8-bit run); empty without a floor. Accuracy is the full program's at each ratio: the same codes.
 */
public record TradeoffResult(String model, String npu, int groupWidth, String data, int images, Double floatTop1, double int8Top1,
                             List<Timing> timings, List<Series> series, List<Selection> selections, double minRatio,
                             List<Timing> floorTimings) {

    /**
     * @param energyUj    energy per inference (the plan's energy parameters)
     * @param goldenMatch whether the NPU's outputs equal the golden executor's on one input (static and dynamic)
     */
    public record Timing(double ratio, long cycles, double latencyUs, double peUtilization, double speedup, double energyUj, boolean goldenMatch) {
    }

    /** @param top1 parallel to latencyUs, ratio 0 first (the int8 accuracy) */
    public record Series(String method, String extraction, List<Double> ratios, List<Double> latencyUs, List<Double> top1) {
        public double top1At(double ratio) {
            for (int i = 0; i < ratios.size(); i++) {
                if (Math.abs(ratios.get(i) - ratio) < 1e-9) {
                    return top1.get(i);
                }
            }
            return Double.NaN;
        }

        /** The largest drop between neighbouring ratios, over the mean drop from 0 to the last ratio; NaN with one step. */
        public double worstStepOverMean() {
            int steps = top1.size() - 1;
            if (steps < 2) {
                return Double.NaN;
            }
            double mean = (top1.get(0) - top1.get(steps)) / steps;
            double worst = 0;
            for (int i = 1; i <= steps; i++) {
                worst = Math.max(worst, top1.get(i - 1) - top1.get(i));
            }
            return mean > 0 ? worst / mean : Double.NaN;
        }
    }

    /** @param searchFitness fitness on the samples the search used; heldOutFitness on held-out evaluation images */
    public record Selection(String method, double seconds, List<Double> ratios, List<Double> searchFitness, List<Double> heldOutFitness) {
    }

    public Timing timing(double ratio) {
        for (Timing t : timings) {
            if (Math.abs(t.ratio() - ratio) < 1e-9) {
                return t;
            }
        }
        return null;
    }

    /** The share of the 100% speedup that 50% reaches, (s50 - 1) / (s100 - 1); NaN unless both are measured. */
    public double halfShareOfFullSpeedup() {
        Timing half = timing(0.5);
        Timing full = timing(1.0);
        if (half == null || full == null || full.speedup() <= 1) {
            return Double.NaN;
        }
        return (half.speedup() - 1) / (full.speedup() - 1);
    }
}
