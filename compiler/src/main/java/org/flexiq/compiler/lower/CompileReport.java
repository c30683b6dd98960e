package org.flexiq.compiler.lower;

/**
 * What the compiler made: sizes, scratchpad use, and the run-time reorders it had to emit (and the bytes
 * they gather per inference), so a user sees the cost of residual joins.
 */
public record CompileReport(int layers, int instructions, int codeBytes, int imageBytes, int dramBytes, int peakScratchpadBytes,
                            int fourBitLayers, int reorders, long reorderBytes) {
}
