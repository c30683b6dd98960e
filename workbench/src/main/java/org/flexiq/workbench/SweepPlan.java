package org.flexiq.workbench;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.energy.EnergyParameters;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sweep covers: arrays x group widths x ratios of one model on one NPU preset, with the engine and
 * extraction that time it. Its points are {@link #units()} x {@code ratios}.
 *
 * @param model  a float .flx or zoo name (quantized on the fly per group width), or a quantized .flx
 * @param arrays each {rows, cols}
 * @param energy   the energy and area parameters each point is priced with (the preset names its DRAM and PE type;
 *                 each point also prices ratio 0 on plain int8 PEs, for the dual-int4 PE's worth)
 * @param minRatio the ratio floor every unit's program is compiled for ({@link FloorPrograms}; 0: programs that serve every
 *                 ratio); no asked ratio lies below it
 * @param batch    images per run every unit's program is compiled for ({@code NpuCompiler}'s batched programs)
 */
public record SweepPlan(String model, NpuConfig preset, List<int[]> arrays, List<Integer> groups, List<Double> ratios, Engine engine,
                        Extraction extraction, long seed, EnergyParameters energy, double minRatio, int batch) {

    public SweepPlan {
        arrays = List.copyOf(arrays);
        groups = List.copyOf(groups);
        ratios = List.copyOf(ratios);
        FloorPrograms.requireServed(minRatio, "--min-ratio", ratios, "--ratio");
        FloorPrograms.requireBatch("--batch", batch);
    }

    /** A plan whose programs serve one image per run. */
    public SweepPlan(String model, NpuConfig preset, List<int[]> arrays, List<Integer> groups, List<Double> ratios, Engine engine,
                     Extraction extraction, long seed, EnergyParameters energy, double minRatio) {
        this(model, preset, arrays, groups, ratios, engine, extraction, seed, energy, minRatio, 1);
    }

    /** The ratios a model quantized for the plan must store: the asked ones and the floor. */
    public List<Double> storedRatios() {
        return NpuModels.withFloor(ratios, minRatio);
    }

    /** Arrays in the given order, each with every group width. */
    public List<SweepUnit> units() {
        List<SweepUnit> units = new ArrayList<>();
        for (int[] rc : arrays) {
            for (int g : groups) {
                units.add(new SweepUnit(rc[0], rc[1], g));
            }
        }
        return units;
    }

    public int pointCount() {
        return arrays.size() * groups.size() * ratios.size();
    }

    /** "RxC,..." as a list of {rows, cols}; a one-line error naming the option otherwise. */
    public static List<int[]> parseArrays(String option, String text) {
        List<int[]> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String[] rc = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
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
                throw new BadInputException(option + ": '" + s.trim() + "' is not ROWSxCOLS, e.g. 32x32");
            }
        }
        return out;
    }

    /** "N,..." of positive integers. */
    public static List<Integer> parseInts(String option, String text) {
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
