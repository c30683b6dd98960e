package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;

/**
 * {@code flexiq_extract} in Java: one thread per (position, 4-bit group). It gathers the position's
 * channels in the kernel's K order ({@code chan}: the 4-bit groups' channels, then the 8-bit ones; a
 * run-time channel reorder is this gather), finds the group's shift (the static table's, or under dynamic
 * extraction the highest bit of the OR of the group's magnitudes), and writes the group's 4-bit codes
 * packed two per byte, zero-padded to the slice, and the shift; the 8-bit channels are copied as they are.
 */
final class ExtractKernel {
    /** Per position: packed codes [groups x slice / 2], shifts [groups], 8-bit channels [C - four]. */
    record Extracted(int positions, int groups, int slice, int eightBit, byte[] codes, byte[] shifts, byte[] rest) {
    }

    private ExtractKernel() {
    }

    /** @param x [positions][C] int8, channel-last; {@code staticShift} null under dynamic extraction; {@code range} the site's codes */
    static Extracted run(byte[] x, int positions, int[] chan, int four, int group, int slice, int[] staticShift, FourBit.Codes range) {
        int c = chan.length;
        int groups = four / group;
        int bytes = groups * slice / 2;
        byte[] codes = new byte[positions * bytes];
        byte[] shifts = new byte[positions * groups];
        byte[] rest = new byte[positions * (c - four)];
        int[] g4 = new int[slice];
        for (int p = 0; p < positions; p++) {
            for (int g = 0; g < groups; g++) {
                int shift;
                if (staticShift != null) {
                    shift = staticShift[g];
                } else {
                    int or = 0;
                    for (int j = 0; j < group; j++) {
                        or |= Math.abs(x[p * c + chan[g * group + j]]);
                    }
                    shift = range.effectiveShift(or);
                }
                shifts[p * groups + g] = (byte) shift;
                java.util.Arrays.fill(g4, 0);
                for (int j = 0; j < group; j++) {
                    g4[j] = range.lower(x[p * c + chan[g * group + j]], shift);
                }
                System.arraycopy(Int4Packing.pack(g4, range), 0, codes, p * bytes + g * slice / 2, slice / 2);
            }
            for (int j = four; j < c; j++) {
                rest[p * (c - four) + j - four] = x[p * c + chan[j]];
            }
        }
        return new Extracted(positions, groups, slice, c - four, codes, shifts, rest);
    }
}
