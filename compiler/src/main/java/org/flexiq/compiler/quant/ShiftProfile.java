package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FourBit;

/**
 * What calibration saw of a site's int8 codes, per channel, to choose static shifts that minimize the
 * expected error rather than only avoid saturation: for each channel c and each candidate shift p in
 * 0..{@link #MAX_SHIFT}, the mean squared error {@code E[(x - reconstruct(x, p))^2]} in int8 units (rounding
 * and saturation both counted), and the channel's mean square {@code E[x^2]} (how much a weight error on
 * that channel costs).
 *
 * @param error      [channel * SHIFTS + p]
 * @param meanSquare [channel]
 */
public record ShiftProfile(float[] error, float[] meanSquare) {
    /** The largest candidate: 4 keeps the top 4 bits of any int8 code. */
    public static final int MAX_SHIFT = 4;
    public static final int SHIFTS = MAX_SHIFT + 1;

    public ShiftProfile {
        if (error.length != meanSquare.length * SHIFTS) {
            throw new IllegalArgumentException("shift profile: " + error.length + " errors for " + meanSquare.length + " channels, expected "
                    + SHIFTS + " per channel");
        }
    }

    public int channels() {
        return meanSquare.length;
    }

    /**
     * From per-channel histograms of signed int8 codes: {@code histogram[c][v + 128]} counts code v. A channel
     * never seen (all counts 0) gets zero error and mean square. The errors are of the site's 4-bit {@code codes}.
     */
    public static ShiftProfile of(long[][] histogram, FourBit.Codes codes) {
        int channels = histogram.length;
        float[] error = new float[channels * SHIFTS];
        float[] ms = new float[channels];
        for (int c = 0; c < channels; c++) {
            long n = 0;
            double sq = 0;
            double[] e = new double[SHIFTS];
            for (int b = 0; b < 256; b++) {
                long k = histogram[c][b];
                if (k == 0) {
                    continue;
                }
                int v = b - 128;
                n += k;
                sq += (double) k * v * v;
                for (int p = 0; p < SHIFTS; p++) {
                    double d = v - codes.reconstruct(v, p);
                    e[p] += k * d * d;
                }
            }
            if (n > 0) {
                ms[c] = (float) (sq / n);
                for (int p = 0; p < SHIFTS; p++) {
                    error[c * SHIFTS + p] = (float) (e[p] / n);
                }
            }
        }
        return new ShiftProfile(error, ms);
    }

    /** Channel i of the result is channel perm[i] of this profile. */
    public ShiftProfile permuted(int[] perm) {
        float[] e = new float[error.length];
        float[] m = new float[meanSquare.length];
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(error, perm[i] * SHIFTS, e, i * SHIFTS, SHIFTS);
            m[i] = meanSquare[perm[i]];
        }
        return new ShiftProfile(e, m);
    }

    public float error(int channel, int shift) {
        return error[channel * SHIFTS + shift];
    }
}
