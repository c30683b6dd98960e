package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor.GemmOperands;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;

import java.util.stream.IntStream;

/**
 * FlexiQ's mixed-precision GEMM as the CUDA kernel ({@code flexiq_gemm.cu}) computes it, in Java: output tiles
 * of 16 rows x 8 columns (one {@code mma.sync} fragment); for each kernel tap, each 4-bit group's channels go
 * through int4 MMAs (k = 64, the group's codes packed two per byte; on a GPU without int4 tensor cores the
 * codes are widened to int8 and go through int8 MMAs) into a fresh fragment that the CUDA cores shift left
 * by (activation shift + weight shift) and add to the accumulator; the 8-bit channels go through int8 MMAs
 * (k = 32) straight into it; the epilogue adds nothing more (the bias starts the accumulator) and requantizes
 * per output channel. A convolution is an implicit GEMM: row = output pixel, K = taps x channels, tap-major,
 * so a group's k-slice shares one input pixel and so one dynamic shift. The 4-bit channel count is the
 * kernel's argument (MAX_4BIT_CH): the same code serves every ratio.
 */
final class MixedGemmKernel {
    private MixedGemmKernel() {
    }

    /**
     * @param conv   the convolution (one group), or null for a product over the last dimension
     * @param out    the output shape ([O, OH, OW], or [..., O])
     * @param widen  run 4-bit groups on int8 MMAs (no int4 tensor cores)
     */
    static byte[] run(GemmOperands ops, Conv2d conv, Shape out, boolean widen) {
        int[] groupOf = ops.groupOf();
        int channels = groupOf.length;
        int taps = conv == null ? 1 : conv.kernelH() * conv.kernelW();
        int n = ops.weights().outChannels();
        int rows = conv == null ? ops.x().length / channels : out.dim(1) * out.dim(2);
        int groups = ops.fourBitGroups();
        int[][] groupChannels = new int[groups][];
        int[] fill = new int[groups];
        int eightBitCount = 0;
        for (int c = 0; c < channels; c++) {
            if (groupOf[c] >= 0) {
                fill[groupOf[c]]++;
            } else {
                eightBitCount++;
            }
        }
        for (int g = 0; g < groups; g++) {
            groupChannels[g] = new int[fill[g]];
            fill[g] = 0;
        }
        int[] eightBit = new int[eightBitCount];
        eightBitCount = 0;
        for (int c = 0; c < channels; c++) {
            if (groupOf[c] >= 0) {
                groupChannels[groupOf[c]][fill[groupOf[c]]++] = c;
            } else {
                eightBit[eightBitCount++] = c;
            }
        }
        Geometry geo = new Geometry(ops.inputShape(), conv, out, channels);
        byte[] y = new byte[out.elementCount()];
        int nTiles = (n + Mma.N - 1) / Mma.N;
        IntStream.range(0, nTiles).parallel().forEach(nt -> tileColumn(ops, geo, groupChannels, eightBit, taps, rows, n, nt * Mma.N, widen, y));
        return y;
    }

    /** Where row r's tap t reads: the input position (pixel or row), or -1 on padding. */
    private record Geometry(Shape in, Conv2d conv, Shape out, int channels) {
        int position(int r, int t) {
            if (conv == null) {
                return r;
            }
            int ow = out.dim(2);
            int oy = r / ow;
            int ox = r % ow;
            int iy = oy * conv.strideH() - conv.padH() + (t / conv.kernelW()) * conv.dilation();
            int ix = ox * conv.strideW() - conv.padW() + (t % conv.kernelW()) * conv.dilation();
            return iy >= 0 && iy < in.dim(1) && ix >= 0 && ix < in.dim(2) ? iy * in.dim(2) + ix : -1;
        }

        /** Activation of channel c at an input position. */
        int x(int[] x, int position, int c) {
            return conv == null ? x[position * channels + c] : x[c * in.dim(1) * in.dim(2) + position];
        }

        int outIndex(int r, int col, int n) {
            return conv == null ? r * n + col : col * out.dim(1) * out.dim(2) + r;
        }
    }

    private static void tileColumn(GemmOperands ops, Geometry geo, int[][] groupChannels, int[] eightBit, int taps, int rows, int n, int n0,
                                   boolean widen, byte[] y) {
        int groups = groupChannels.length;
        int siteGroups = ops.siteGroups();
        int per = geo.channels() * taps;
        byte[] weight = ops.weights().weight();
        int[] acc = new int[Mma.M * Mma.N];
        int[] frag = new int[Mma.M * Mma.N];
        byte[] a4 = new byte[Mma.M * Mma.K4 / 2];
        byte[] b4 = new byte[Mma.N * Mma.K4 / 2];
        byte[] a8 = new byte[Mma.M * Mma.K8];
        byte[] b8 = new byte[Mma.N * Mma.K8];
        int[] codesA = new int[Mma.M * Mma.K4];
        int[] codesB = new int[Mma.N * Mma.K4];
        int[] pos = new int[Mma.M];
        for (int m0 = 0; m0 < rows; m0 += Mma.M) {
            for (int i = 0; i < Mma.M; i++) {
                for (int j = 0; j < Mma.N; j++) {
                    int col = n0 + j;
                    acc[i * Mma.N + j] = col < n ? ops.weights().bias()[col] : 0;
                }
            }
            for (int t = 0; t < taps; t++) {
                for (int i = 0; i < Mma.M; i++) {
                    pos[i] = m0 + i < rows ? geo.position(m0 + i, t) : -1;
                }
                for (int g = 0; g < groups; g++) {
                    int[] ch = groupChannels[g];
                    java.util.Arrays.fill(frag, 0);
                    for (int k0 = 0; k0 < ch.length; k0 += Mma.K4) {
                        java.util.Arrays.fill(codesA, 0);
                        java.util.Arrays.fill(codesB, 0);
                        for (int k = 0; k < Mma.K4 && k0 + k < ch.length; k++) {
                            int c = ch[k0 + k];
                            for (int i = 0; i < Mma.M; i++) {
                                if (pos[i] >= 0) {
                                    int shift = ops.activationShift()[pos[i] * groups + g];
                                    codesA[i * Mma.K4 + k] = FourBit.lower(geo.x(ops.x(), pos[i], c), shift);
                                }
                            }
                            for (int j = 0; j < Mma.N && n0 + j < n; j++) {
                                int o = n0 + j;
                                codesB[j * Mma.K4 + k] = FourBit.lower(weight[o * per + c * taps + t], ops.weightShift()[o * siteGroups + g]);
                            }
                        }
                        if (widen) {
                            for (int half = 0; half < 2; half++) {
                                for (int i = 0; i < Mma.M; i++) {
                                    for (int k = 0; k < Mma.K8; k++) {
                                        a8[i * Mma.K8 + k] = (byte) codesA[i * Mma.K4 + half * Mma.K8 + k];
                                    }
                                }
                                for (int j = 0; j < Mma.N; j++) {
                                    for (int k = 0; k < Mma.K8; k++) {
                                        b8[j * Mma.K8 + k] = (byte) codesB[j * Mma.K4 + half * Mma.K8 + k];
                                    }
                                }
                                Mma.s8(a8, b8, frag);
                            }
                        } else {
                            System.arraycopy(Int4Packing.pack(codesA), 0, a4, 0, a4.length);
                            System.arraycopy(Int4Packing.pack(codesB), 0, b4, 0, b4.length);
                            Mma.s4(a4, b4, frag);
                        }
                    }
                    // CUDA cores: the group's partial sums shifted by (activation shift + weight shift)
                    for (int i = 0; i < Mma.M; i++) {
                        if (pos[i] < 0) {
                            continue;
                        }
                        int sa = ops.activationShift()[pos[i] * groups + g];
                        for (int j = 0; j < Mma.N && n0 + j < n; j++) {
                            acc[i * Mma.N + j] += frag[i * Mma.N + j] << (sa + ops.weightShift()[(n0 + j) * siteGroups + g]);
                        }
                    }
                }
                for (int k0 = 0; k0 < eightBit.length; k0 += Mma.K8) {
                    java.util.Arrays.fill(a8, (byte) 0);
                    java.util.Arrays.fill(b8, (byte) 0);
                    for (int k = 0; k < Mma.K8 && k0 + k < eightBit.length; k++) {
                        int c = eightBit[k0 + k];
                        for (int i = 0; i < Mma.M; i++) {
                            if (pos[i] >= 0) {
                                a8[i * Mma.K8 + k] = (byte) geo.x(ops.x(), pos[i], c);
                            }
                        }
                        for (int j = 0; j < Mma.N && n0 + j < n; j++) {
                            b8[j * Mma.K8 + k] = weight[(n0 + j) * per + c * taps + t];
                        }
                    }
                    Mma.s8(a8, b8, acc);
                }
            }
            for (int i = 0; i < Mma.M && m0 + i < rows; i++) {
                for (int j = 0; j < Mma.N && n0 + j < n; j++) {
                    int col = n0 + j;
                    y[geo.outIndex(m0 + i, col, n)] = IntArithmetic.saturateInt8(ops.weights().requant()[col].apply(acc[i * Mma.N + j]));
                }
            }
        }
    }
}
