package org.flexiq.workbench;

import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.simulator.NpuConfig;

import java.util.List;

/**
 * A model compiled for a ratio floor ({@code --min-ratio}: the weights of the channels 4-bit at every ratio served stored as
 * packed 4-bit codes), with the full program beside it: its 8-bit run is the baseline every speed-up is over, and its
 * weights are what the floor saves on. With floor 0 the two are one program.
 */
public record FloorPrograms(double minRatio, CompiledProgram floor, CompiledProgram full) {
    /** Refuses a floor the model does not store, naming {@code option}. */
    public static FloorPrograms compile(QuantizedModel q, NpuConfig npu, double minRatio, String option) {
        return compile(q, npu, minRatio, option, 1);
    }

    /** Both programs for a batch of images ({@code NpuCompiler}'s batched programs). */
    public static FloorPrograms compile(QuantizedModel q, NpuConfig npu, double minRatio, String option, int batch) {
        CompiledProgram floor = floorOnly(q, npu, minRatio, option, batch);
        return new FloorPrograms(minRatio, floor, minRatio == 0 ? floor : full(q, npu, batch));
    }

    /** The floor program alone (the full program for floor 0); a floor the model does not store refused, naming {@code option}. */
    public static CompiledProgram floorOnly(QuantizedModel q, NpuConfig npu, double minRatio, String option) {
        return floorOnly(q, npu, minRatio, option, 1);
    }

    /** {@link #floorOnly(QuantizedModel, NpuConfig, double, String)} for a batch of images ({@code NpuCompiler}'s batched programs). */
    public static CompiledProgram floorOnly(QuantizedModel q, NpuConfig npu, double minRatio, String option, int batch) {
        Ratios.requireStored(q, option, List.of(minRatio));
        return NpuCompiler.compile(q, npu.target(), minRatio, npu.dramBytesPerCycle(), batch);
    }

    /** The program that serves every stored ratio and 8-bit, its tilings chosen for the machine's DRAM rate. */
    public static CompiledProgram full(QuantizedModel q, NpuConfig npu) {
        return full(q, npu, 1);
    }

    /** {@link #full(QuantizedModel, NpuConfig)} for a batch of images. */
    public static CompiledProgram full(QuantizedModel q, NpuConfig npu, int batch) {
        return NpuCompiler.compile(q, npu.target(), 0, npu.dramBytesPerCycle(), batch);
    }

    /** A batch size the compiler takes, else a one-line error naming {@code option}. */
    public static int requireBatch(String option, int batch) {
        if (batch < 1 || batch > NpuCompiler.MAX_BATCH) {
            throw new BadInputException(option + " " + batch + ": expected an image count in [1, " + NpuCompiler.MAX_BATCH + "]");
        }
        return batch;
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
