package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
 * mma.sync from the PTX ISA's fragment layouts, a block's threads as fibers) in one of the source's three builds:
 * Ampere (int4 MMAs), Hopper (widened) or Turing (8 x 8 MMAs). One process per build serves a test run's launches
 * through its stdin and stdout. It plays the GPU's part where {@link CudaDevice} would: {@link ActivationKernels}
 * for the extraction and im2col kernels, and {@link GpuEmulator.Gemms} for the GEMMs.
 */
final class HostKernels implements ActivationKernels, GpuEmulator.Gemms {
    enum Build {
        AMPERE(), HOPPER("-DFLEXIQ_WIDEN_INT4"), TURING("-DFLEXIQ_TURING");

        final String[] defines;

        Build(String... defines) {
            this.defines = defines;
        }
    }

    private static final Map<Build, Server> SERVERS = new ConcurrentHashMap<>();
    private final Server server;

    private HostKernels(Server server) {
        this.server = server;
    }

    /** The build compiled and started (once per test run), or the test skipped where there is no g++. */
    static HostKernels of(Build build) {
        return new HostKernels(SERVERS.computeIfAbsent(build, b -> Server.start(compile(b))));
    }

    private static Path compile(Build build) {
        Path gxx = Path.of("/usr/bin/g++");
        Assumptions.assumeTrue(Files.isExecutable(gxx), "g++ is not installed here");
        try {
            Path out = Files.createTempFile("host_kernels_" + build.name().toLowerCase(java.util.Locale.ROOT), "");
            out.toFile().deleteOnExit();
            // -U_FORTIFY_SOURCE: the fibers switch stacks with longjmp, which the fortified one refuses
            List<String> cmd = new ArrayList<>(List.of(gxx.toString(), "-std=c++20", "-O2", "-U_FORTIFY_SOURCE", "-fno-strict-aliasing", "-Wall",
                    "-Werror", "-Wno-unknown-pragmas", "-x", "c++", "-DFLEXIQ_HOST"));
            cmd.addAll(List.of(build.defines));
            cmd.addAll(List.of(Path.of("src", "test", "cuda", "host_kernels.cpp").toString(), "-o", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("g++ failed: " + log);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A running host_kernels: launches go one at a time, in its stdin's format, and their outputs come back. */
    private record Server(Process process, DataOutputStream in, DataInputStream out, Path log) {
        static Server start(Path binary) {
            try {
                Path log = Files.createTempFile("host_kernels", ".log");
                log.toFile().deleteOnExit();
                Process p = new ProcessBuilder(binary.toString()).redirectError(log.toFile()).start();
                // its stdin closes when this JVM ends, and it exits then; this is for an orderly end
                Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
                return new Server(p, new DataOutputStream(new BufferedOutputStream(p.getOutputStream())),
                        new DataInputStream(new BufferedInputStream(p.getInputStream())), log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized List<byte[]> launch(String kernel, byte[] request) {
            try {
                byte[] name = kernel.getBytes(StandardCharsets.US_ASCII);
                in.write(le(4).putInt(name.length).array());
                in.write(name);
                in.write(request);
                in.flush();
                int count = Integer.reverseBytes(out.readInt());
                List<byte[]> result = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    byte[] v = new byte[Integer.reverseBytes(out.readInt())];
                    out.readFully(v);
                    result.add(v);
                }
                return result;
            } catch (IOException e) {
                throw new IllegalStateException("host_kernels " + kernel + " failed: " + stderr(), e);
            }
        }

        private String stderr() {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
                return Files.readString(log).strip();
            } catch (IOException e) {
                return e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "(interrupted)";
            }
        }
    }

    /** One launch: the scalars and arrays in, the output arrays back. */
    private List<byte[]> launch(String kernel, int[] scalars, Object... arrays) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int s : scalars) {
            b.writeBytes(le(4).putInt(s).array());
        }
        for (Object a : arrays) {
            if (a instanceof byte[] bytes) {
                b.writeBytes(le(4).putInt(bytes.length).array());
                b.writeBytes(bytes);
            } else {
                int[] ints = (int[]) a;
                ByteBuffer buf = le(4 + 4 * ints.length).putInt(ints.length);
                for (int v : ints) {
                    buf.putInt(v);
                }
                b.writeBytes(buf.array());
            }
        }
        return server.launch(kernel, b.toByteArray());
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public byte[] run(String node, KernelOperands k) {
        return launch("gemm", new int[]{k.m(), k.n(), k.k4(), k.k8(), k.slice(), k.a4Codes() == FourBit.Codes.UNSIGNED ? 1 : 0, k.lo(), k.hi()}, k.a4(), k.a8(), k.ashift(), k.w4(), k.w8(),
                k.wshift(), k.bias(), k.mult(), k.shift(), k.lut() == null ? new byte[0] : k.lut()).get(0);
    }

    @Override
    public ExtractKernel.Extracted extract(byte[] x, int positions, int[] chan, int four, int group, int slice, int[] staticShift,
                                           FourBit.Codes codes) {
        byte[] table = new byte[staticShift == null ? 0 : staticShift.length];
        for (int i = 0; i < table.length; i++) {
            table[i] = (byte) staticShift[i];
        }
        List<byte[]> r = launch("extract", new int[]{positions, chan.length, four, group, slice, codes == FourBit.Codes.UNSIGNED ? 1 : 0,
                staticShift == null ? 1 : 0}, x, chan, table);
        return new ExtractKernel.Extracted(positions, four / group, slice, chan.length - four, r.get(0), r.get(1), r.get(2));
    }

    @Override
    public Im2colKernel.Rows im2col(ExtractKernel.Extracted e, Conv2d conv, Shape in, Shape out, int m, int k8) {
        int[] scalars = Im2colKernel.arguments(e, conv, in, out, m, k8);
        List<byte[]> r = launch("im2col", scalars, e.codes(), e.shifts(), e.rest());
        return new Im2colKernel.Rows(r.get(0), r.get(1), r.get(2));
    }
}
