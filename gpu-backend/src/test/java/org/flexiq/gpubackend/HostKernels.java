package org.flexiq.gpubackend;

import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * flexiq_gemm.cu's kernels built for the CPU with g++ (src/test/cuda: host_warp.h emulates a warp's
 * mma.sync from the PTX ISA's fragment layouts) and run as a process per launch, in one of the source's
 * three builds: Ampere (int4 MMAs), Hopper (widened) or Turing (8 x 8 MMAs). It plays the GPU's part where
 * {@link CudaDevice} would: {@link ActivationKernels} for the extraction and im2col kernels, and
 * {@link GpuEmulator.Gemms} for the GEMMs.
 */
final class HostKernels implements ActivationKernels, GpuEmulator.Gemms {
    enum Build {
        AMPERE(), HOPPER("-DFLEXIQ_WIDEN_INT4"), TURING("-DFLEXIQ_TURING");

        final String[] defines;

        Build(String... defines) {
            this.defines = defines;
        }
    }

    private static final Map<Build, Path> BINARIES = new ConcurrentHashMap<>();
    private final Path binary;

    private HostKernels(Path binary) {
        this.binary = binary;
    }

    /** The build compiled (once per test run), or the test skipped where there is no g++. */
    static HostKernels of(Build build) {
        return new HostKernels(BINARIES.computeIfAbsent(build, HostKernels::compile));
    }

    private static Path compile(Build build) {
        Path gxx = Path.of("/usr/bin/g++");
        Assumptions.assumeTrue(Files.isExecutable(gxx), "g++ is not installed here");
        try {
            Path out = Files.createTempFile("host_kernels_" + build.name().toLowerCase(java.util.Locale.ROOT), "");
            out.toFile().deleteOnExit();
            List<String> cmd = new ArrayList<>(List.of(gxx.toString(), "-std=c++20", "-O2", "-pthread", "-fno-strict-aliasing", "-Wall", "-Werror", "-Wno-unknown-pragmas",
                    "-x", "c++", "-DFLEXIQ_HOST"));
            cmd.addAll(List.of(build.defines));
            cmd.addAll(List.of(Path.of("src", "test", "cuda", "host_kernels.cpp").toString(), "-o", out.toString()));
            run(cmd, "g++");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return log;
    }

    /** One launch: the scalars and arrays in, the output arrays back. */
    private List<byte[]> launch(String kernel, int[] scalars, Object... arrays) {
        try {
            Path in = Files.createTempFile("hk", ".in");
            Path out = Files.createTempFile("hk", ".out");
            try {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (int s : scalars) {
                    b.write(le(4).putInt(s).array());
                }
                for (Object a : arrays) {
                    if (a instanceof byte[] bytes) {
                        b.write(le(4).putInt(bytes.length).array());
                        b.write(bytes);
                    } else {
                        int[] ints = (int[]) a;
                        ByteBuffer buf = le(4 + 4 * ints.length).putInt(ints.length);
                        for (int v : ints) {
                            buf.putInt(v);
                        }
                        b.write(buf.array());
                    }
                }
                Files.write(in, b.toByteArray());
                run(List.of(binary.toString(), kernel, in.toString(), out.toString()), kernel);
                ByteBuffer r = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
                List<byte[]> result = new ArrayList<>();
                while (r.hasRemaining()) {
                    byte[] v = new byte[r.getInt()];
                    r.get(v);
                    result.add(v);
                }
                return result;
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public byte[] run(String node, KernelOperands k) {
        return launch("gemm", new int[]{k.m(), k.n(), k.k4(), k.k8(), k.slice(), k.lo(), k.hi()}, k.a4(), k.a8(), k.ashift(), k.w4(), k.w8(),
                k.wshift(), k.bias(), k.mult(), k.shift(), k.lut() == null ? new byte[0] : k.lut()).get(0);
    }

    @Override
    public ExtractKernel.Extracted extract(byte[] x, int positions, int[] chan, int four, int group, int slice, int[] staticShift) {
        byte[] table = new byte[staticShift == null ? 0 : staticShift.length];
        for (int i = 0; i < table.length; i++) {
            table[i] = (byte) staticShift[i];
        }
        List<byte[]> r = launch("extract", new int[]{positions, chan.length, four, group, slice, staticShift == null ? 1 : 0}, x, chan, table);
        return new ExtractKernel.Extracted(positions, four / group, slice, chan.length - four, r.get(0), r.get(1), r.get(2));
    }

    @Override
    public Im2colKernel.Rows im2col(ExtractKernel.Extracted e, Conv2d conv, Shape in, Shape out, int m, int k8) {
        int[] scalars = Im2colKernel.arguments(e, conv, in, out, m, k8);
        List<byte[]> r = launch("im2col", scalars, e.codes(), e.shifts(), e.rest());
        return new Im2colKernel.Rows(r.get(0), r.get(1), r.get(2));
    }
}
