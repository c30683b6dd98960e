package org.flexiq.compiler.golden;

import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.isa.arith.IntArithmetic;

/**
 * An Add node's rule, out = sat(round((Ma (a << 16) + Mb (b << 16)) / 2^16)), with each operand's rescaled term
 * looked up for its int8 code rather than multiplied per element (two 64-bit fixed-point products per element were
 * a twentieth of the golden executor's time on the residual CNNs). The terms are the same integers, so the sums are.
 *
 * @param a Ma (a << 16) for a = -128 .. 127, at a + 128
 * @param b Mb (b << 16) likewise
 */
record AddTable(long[] a, long[] b) {
    static AddTable of(NodeQuant.Add q) {
        long[] a = new long[256];
        long[] b = new long[256];
        for (int v = -128; v < 128; v++) {
            a[v + 128] = q.a().apply((long) v << 16);
            b[v + 128] = q.b().apply((long) v << 16);
        }
        return new AddTable(a, b);
    }

    byte apply(byte x, byte y) {
        return IntArithmetic.saturateInt8(IntArithmetic.roundShift(a[x + 128] + b[y + 128], 16));
    }
}
