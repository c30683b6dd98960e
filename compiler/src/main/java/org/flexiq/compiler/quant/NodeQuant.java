package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FixedPoint;
import java.util.List;

/**
 * The integer parameters of one quantized node, by kind. Kinds that only move or compare int8 values
 * (MaxPool, Flatten, Reshape, Transpose, Slice) need none and have no entry.
 */
public sealed interface NodeQuant {

    /**
     * Conv2d or Linear. Weights are int8 [O, C, taps] (taps = kh x kw, 1 for Linear) with C the input
     * channels in stored order; bias is int32 in accumulator units; requant[o] maps the accumulator to
     * the output scale.
     */
    record Gemm(byte[] weight, int[] bias, FixedPoint[] requant, int outChannels, int inChannels, int taps) implements NodeQuant {
    }

    /** A product of two int8 activations, requantized by one multiplier. */
    record MatMul(FixedPoint requant) implements NodeQuant {
    }

    /** Element-wise product: out = sat(round(a b M)). */
    record Mul(FixedPoint requant) implements NodeQuant {
    }

    /** out = sat(round((Ma (a << 16) + Mb (b << 16)) / 2^16)). */
    record Add(FixedPoint a, FixedPoint b) implements NodeQuant {
    }

    /** One multiplier per input (Concat), or one for a sum over a window (AvgPool, GlobalAvgPool). */
    record Rescale(List<FixedPoint> multipliers) implements NodeQuant {
    }

    /** Element-wise function by table: out = table[x + 128] (GELU, SiLU, Tanh). */
    record Lookup(byte[] table) implements NodeQuant {
    }

    /** Clamp to [min, max] without a scale change (ReLU: [0, 127]; ReLU6: [0, round(6 / s)]). */
    record Clamp(int min, int max) implements NodeQuant {
    }

    /** Stored int8 values: a Constant's tensor or an Embedding's table, in the output scale. */
    record Values(byte[] values) implements NodeQuant {
    }

    /** exp[d] = round(2^16 exp(-scale s d)) for d = max - x in 0..255; output scale 1/127. */
    record Softmax(int[] exp) implements NodeQuant {
    }

    /**
     * Integer LayerNorm: dev = D x - sum(x), sigmaD = isqrt(sum(dev^2) / D + eps),
     * out = sat(round((round(dev gamma / sigmaD) + beta) / 2^16)) with gamma, beta in 2^-16 output units.
     */
    record LayerNorm(int[] gamma, int[] beta, long eps) implements NodeQuant {
    }
}
