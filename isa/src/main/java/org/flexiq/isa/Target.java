package org.flexiq.isa;

/**
 * What a program assumes of the machine it runs on: the R x C array, the scratchpad's bytes and the
 * accumulator's rows (C int32 each). A machine runs a program only if these match.
 */
public record Target(int rows, int cols, int scratchpadBytes, int accumulatorRows) {
    public Target {
        if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096) {
            throw new IsaException("array " + rows + "x" + cols + " is not within 1x1 .. 4096x4096");
        }
        if (scratchpadBytes < 1 || accumulatorRows < 1) {
            throw new IsaException("scratchpad bytes and accumulator rows must be positive");
        }
    }

    /** Channels one int4 fold covers: two 4-bit weights per PE. */
    public int int4FoldRows() {
        return 2 * rows;
    }
}
