package org.flexiq.compiler.select;

import org.flexiq.compiler.quant.BitExtractor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.ShiftProfile;
import org.flexiq.compiler.quant.Site;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Static activation shifts judged at the model's outputs ({@link ChannelSelection.StaticShifts#OUTPUTS}) rather than by
 * the expected squared error of the codes: the squared error underweights the few large activations a shift clips, and
 * with unsigned codes' fourth magnitude bit the MSE shift clips the largest values of small groups (compiler/README.md).
 *
 * <p>Site by site in the model's order, as the model runs at 100%: each site with all of its candidate groups 4-bit, the
 * sites before it 4-bit with the shifts already judged and the sites after it 8-bit, one pass of coordinate descent over
 * its groups. Each group tries the shifts from one below the lower of its MSE and max-rule shifts up to the higher (the
 * max rule never clips on the calibration data), the others held, and keeps the one of least fitness (the model's output
 * distance to the 8-bit model's); it keeps its MSE shift unless another is strictly better. A group's shift is the same
 * at every ratio: the candidate groups are fixed sets of channels, whatever the selection's order.
 */
final class StaticShiftSearch {
    private StaticShiftSearch() {
    }

    /** Each site with its judged shifts, and how many of the model's groups left their MSE shift. */
    record Judged(Map<String, Site> sites, int groups, int moved) {
    }

    /** {@code evaluator} must extract statically. */
    static Judged judge(List<SiteGroups> sites, FitnessEvaluator evaluator, int groupWidth) {
        int[] moved = new int[sites.size()];
        Site[] judged = new Site[sites.size()];
        for (int i = 0; i < sites.size(); i++) {
            judged[i] = judgeSite(sites, i, evaluator, groupWidth, moved, judged);
        }
        Map<String, Site> out = new LinkedHashMap<>();
        for (Site s : judged) {
            out.put(s.tensor(), s);
        }
        return new Judged(out, sites.stream().mapToInt(SiteGroups::count).sum(), IntStream.of(moved).sum());
    }

    /** Site i judged after the sites before it ({@code judged[0 .. i)}); {@code moved[i]} counts its groups that left their MSE shift. */
    private static Site judgeSite(List<SiteGroups> sites, int i, FitnessEvaluator evaluator, int groupWidth, int[] moved, Site[] judged) {
        SiteGroups sg = sites.get(i);
        int n = sg.count();
        int[] inOrder = IntStream.range(0, n).toArray();
        Site full = sg.apply(inOrder, new int[]{n}, groupWidth);
        int[] mse = BitExtractor.staticShifts(full, groupWidth, Extraction.STATIC);
        int[] max = BitExtractor.staticShifts(full, groupWidth, Extraction.STATIC_MAX);
        int[] perChannel = new int[full.channels()];
        for (int k = 0; k < n; k++) {
            setGroup(perChannel, sg.groups[k], mse[k]);
        }
        Map<String, Site> trial = new LinkedHashMap<>();
        for (int j = 0; j < sites.size(); j++) {
            SiteGroups other = sites.get(j);
            Site o = other.apply(IntStream.range(0, other.count()).toArray(), new int[]{j < i ? other.count() : 0}, groupWidth);
            trial.put(other.site.tensor(), j < i ? o.withJudgedShift(judged[j].judgedShift()) : o);
        }
        String tensor = sg.site.tensor();
        trial.put(tensor, full.withJudgedShift(perChannel));
        double best = evaluator.evaluate(trial, 1.0);
        for (int k = 0; k < n; k++) {
            int lo = Math.max(0, Math.min(mse[k], max[k]) - 1);
            int hi = Math.min(ShiftProfile.MAX_SHIFT, Math.max(mse[k], max[k]));
            int group = k;
            int[] candidates = IntStream.rangeClosed(lo, hi).filter(p -> p != mse[group]).toArray();
            // the candidates of one group are independent trials: both cores
            double[] f = IntStream.range(0, candidates.length).parallel().mapToDouble(c -> {
                int[] trialShift = perChannel.clone();
                setGroup(trialShift, sg.groups[group], candidates[c]);
                Map<String, Site> t = new LinkedHashMap<>(trial);
                t.put(tensor, full.withJudgedShift(trialShift));
                return evaluator.evaluate(t, 1.0);
            }).toArray();
            int chosen = mse[k];
            for (int c = 0; c < candidates.length; c++) {
                if (f[c] < best * (1 - 1e-9)) {
                    best = f[c];
                    chosen = candidates[c];
                }
            }
            setGroup(perChannel, sg.groups[k], chosen);
            if (chosen != mse[k]) {
                moved[i]++;
            }
        }
        return sg.site.withJudgedShift(perChannel);
    }

    private static void setGroup(int[] perChannel, int[] members, int shift) {
        for (int c : members) {
            perChannel[c] = shift;
        }
    }
}
