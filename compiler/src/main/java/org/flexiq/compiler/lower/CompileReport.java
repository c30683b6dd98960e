package org.flexiq.compiler.lower;

/**
 * What the compiler made: sizes, scratchpad use, and the run-time reorders it had to emit (and the bytes
 * they gather per inference), so a user sees the cost of residual joins.
 *
 * @param weightBytes       the Conv2d/Linear weights in the DRAM image: int8 rows and packed 4-bit codes
 * @param packedWeightBytes of those, the packed codes (a program compiled for a ratio floor; 0 otherwise)
 * @param chunkRegisters    registers of channel chunks: loops over part of a 4-bit-capable layer's input channels, each with
 *                          its share of the layer's MAX_4BIT_CH
 */
public record CompileReport(int layers, int instructions, int codeBytes, int imageBytes, int dramBytes, int peakScratchpadBytes,
                            int fourBitLayers, int reorders, long reorderBytes, long weightBytes, long packedWeightBytes,
                            int chunkRegisters) {
}
