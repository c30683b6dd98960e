package org.flexiq.workbench;

import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.Target;

import java.util.List;

/**
 * A model compiled for a ratio floor ({@code --min-ratio}: the weights of the channels 4-bit at every ratio served stored as
 * packed 4-bit codes), with the full program beside it: its 8-bit run is the baseline every speed-up is over, and its
 * weights are what the floor saves on. With floor 0 the two are one program.
 */
public record FloorPrograms(double minRatio, CompiledProgram floor, CompiledProgram full) {
    /** Refuses a floor the model does not store, naming {@code option}. */
    public static FloorPrograms compile(QuantizedModel q, Target target, double minRatio, String option) {
        CompiledProgram floor = floorOnly(q, target, minRatio, option);
        return new FloorPrograms(minRatio, floor, minRatio == 0 ? floor : NpuCompiler.compile(q, target));
    }

    /** The floor program alone (the full program for floor 0); a floor the model does not store refused, naming {@code option}. */
    public static CompiledProgram floorOnly(QuantizedModel q, Target target, double minRatio, String option) {
        Ratios.requireStored(q, option, List.of(minRatio));
        return NpuCompiler.compile(q, target, minRatio);
    }

    /** The asked ratios must be ones a program with this floor serves: none below it. */
    public static void requireServed(double minRatio, String option, List<Double> asked, String ratioOption) {
        for (double r : asked) {
            if (r < minRatio - QuantizedModel.RATIO_TOLERANCE) {
                throw new BadInputException(ratioOption + " " + NpuCompiler.profileName(r) + ": below " + option + " "
                        + NpuCompiler.profileName(minRatio) + ", which leaves it out of the program");
            }
        }
    }
}
