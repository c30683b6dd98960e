package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CUDA GPU through JCuda's driver API, running {@code flexiq_gemm} from the committed PTX (the driver's JIT
 * compiles it for the device: the Turing build (8 x 8 MMAs) on sm_75, the Ampere build with int4 MMAs on
 * sm_80 to sm_89, the widened build on sm_90 and later). {@link #open} never throws: on a machine without a
 * driver, or where JCuda's natives cannot load, it returns null and says why.
 */
public final class CudaDevice implements AutoCloseable, ActivationKernels {
    private final CUcontext context;
    private final CUfunction gemm;
    /** The same kernel for unsigned activation codes. */
    private final CUfunction gemmU4;
    private final CUfunction extract;
    private final CUfunction im2col;
    private final String name;
    private final int major;
    private final int minor;

    /** What {@link #open} found: a device, or why there is none. */
    public record Opened(CudaDevice device, String why) {
    }

    private CudaDevice(CUcontext context, CUmodule module, String name, int major, int minor) {
        this.context = context;
        this.gemm = function(module, "flexiq_gemm");
        this.gemmU4 = function(module, "flexiq_gemm_u4");
        this.extract = function(module, "flexiq_extract");
        this.im2col = function(module, "flexiq_im2col");
        this.name = name;
        this.major = major;
        this.minor = minor;
    }

    public static Opened open() {
        if (CudaProbe.driver() == null) {
            return new Opened(null, CudaProbe.why());
        }
        return openWithJCuda();
    }

    /** Device 0 through JCuda, whatever the probe says: a missing driver or native library ends in a sentence. */
    static Opened openWithJCuda() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            CUdevice dev = new CUdevice();
            JCudaDriver.cuDeviceGet(dev, 0);
            int[] v = new int[1];
            JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
            int major = v[0];
            JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
            int minor = v[0];
            byte[] nameBytes = new byte[256];
            JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, dev);
            String name = new String(nameBytes, StandardCharsets.US_ASCII).trim().replace("\0", "");
            if (major < 7 || major == 7 && minor < 5) {
                return new Opened(null, name + " is sm_" + major + minor + ": the kernel needs sm_75 or later (integer mma.sync with 4-bit operands)");
            }
            CUcontext ctx = new CUcontext();
            JCudaDriver.cuCtxCreate(ctx, 0, dev);
            CUmodule module = new CUmodule();
            JCudaDriver.cuModuleLoadData(module, ptx(ptxArch(major)));
            return new Opened(new CudaDevice(ctx, module, name, major, minor), "");
        } catch (Throwable e) { // UnsatisfiedLinkError from the natives, CudaException from the driver
            return new Opened(null, "CUDA is not usable here (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** Which committed PTX a device of this compute capability runs. */
    static String ptxArch(int major) {
        return major >= 9 ? "sm_90" : major == 8 ? "sm_80" : "sm_75";
    }

    private static CUfunction function(CUmodule module, String name) {
        CUfunction f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, module, name);
        return f;
    }

    /** {@link ExtractKernel} on the device. */
    @Override
    public ExtractKernel.Extracted extract(byte[] x, int positions, int[] chan, int four, int group, int slice, int[] staticShift,
                                           FourBit.Codes range) {
        JCudaDriver.cuCtxSetCurrent(context);
        List<CUdeviceptr> buffers = new ArrayList<>();
        try {
            int c = chan.length;
            int groups = four / group;
            CUdeviceptr dx = upload(buffers, x);
            CUdeviceptr dchan = upload(buffers, chan);
            CUdeviceptr dstatic = new CUdeviceptr();
            if (staticShift != null) {
                byte[] b = new byte[staticShift.length];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) staticShift[i];
                }
                dstatic = upload(buffers, b);
            }
            CUdeviceptr codes = alloc(buffers, (long) positions * groups * slice / 2);
            CUdeviceptr shifts = alloc(buffers, (long) positions * groups);
            CUdeviceptr rest = alloc(buffers, (long) positions * (c - four));
            Pointer params = Pointer.to(Pointer.to(new int[]{positions}), Pointer.to(new int[]{c}), Pointer.to(new int[]{four}),
                    Pointer.to(new int[]{group}), Pointer.to(new int[]{slice}),
                    Pointer.to(new int[]{range == FourBit.Codes.UNSIGNED ? 1 : 0}), Pointer.to(dx), Pointer.to(dchan), Pointer.to(dstatic),
                    Pointer.to(codes), Pointer.to(shifts), Pointer.to(rest));
            long threads = (long) positions * (groups + 1);
            JCudaDriver.cuLaunchKernel(extract, (int) ((threads + 127) / 128), 1, 1, 128, 1, 1, 0, null, params, null);
            JCudaDriver.cuCtxSynchronize();
            return new ExtractKernel.Extracted(positions, groups, slice, c - four, download(codes, positions * groups * slice / 2),
                    download(shifts, positions * groups), download(rest, positions * (c - four)));
        } finally {
            for (CUdeviceptr p : buffers) {
                JCudaDriver.cuMemFree(p);
            }
        }
    }

    /** {@link Im2colKernel} on the device, for a convolution with one group (or {@code conv} null: rows are positions). */
    @Override
    public Im2colKernel.Rows im2col(ExtractKernel.Extracted e, org.flexiq.workloads.ir.Conv2d conv, org.flexiq.workloads.ir.Shape in,
                                    org.flexiq.workloads.ir.Shape out, int m, int k8) {
        JCudaDriver.cuCtxSetCurrent(context);
        List<CUdeviceptr> buffers = new ArrayList<>();
        try {
            int taps = conv == null ? 1 : conv.kernelH() * conv.kernelW();
            int blk = e.groups() * e.slice() / 2;
            CUdeviceptr codes = upload(buffers, e.codes());
            CUdeviceptr shifts = upload(buffers, e.shifts());
            CUdeviceptr rest = upload(buffers, e.rest());
            CUdeviceptr a4 = alloc(buffers, (long) m * taps * blk);
            CUdeviceptr ashift = alloc(buffers, (long) m * taps * e.groups());
            CUdeviceptr a8 = alloc(buffers, (long) m * k8);
            Pointer[] ints = Arrays.stream(Im2colKernel.arguments(e, conv, in, out, m, k8)).mapToObj(v -> Pointer.to(new int[]{v}))
                    .toArray(Pointer[]::new);
            Pointer params = Pointer.to(concat(ints, Pointer.to(codes), Pointer.to(shifts), Pointer.to(rest), Pointer.to(a4), Pointer.to(ashift),
                    Pointer.to(a8)));
            JCudaDriver.cuLaunchKernel(im2col, (m + 127) / 128, 1, 1, 128, 1, 1, 0, null, params, null);
            JCudaDriver.cuCtxSynchronize();
            return new Im2colKernel.Rows(download(a4, m * taps * blk), download(ashift, m * taps * e.groups()), download(a8, m * k8));
        } finally {
            for (CUdeviceptr p : buffers) {
                JCudaDriver.cuMemFree(p);
            }
        }
    }

    private static Pointer[] concat(Pointer[] first, Pointer... rest) {
        Pointer[] all = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    private static byte[] download(CUdeviceptr p, int bytes) {
        byte[] b = new byte[bytes];
        if (bytes > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(b), p, bytes);
        }
        return b;
    }

    static byte[] ptx(String arch) throws IOException {
        try (InputStream in = CudaDevice.class.getResourceAsStream("flexiq_gemm." + arch + ".ptx")) {
            if (in == null) {
                throw new IllegalStateException("flexiq_gemm." + arch + ".ptx is missing from the jar");
            }
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1); // the driver reads a NUL-terminated image
        }
    }

    public String name() {
        return name;
    }

    public String arch() {
        return "sm_" + major + minor;
    }

    /** Whether 4-bit groups run widened to int8 (no int4 tensor cores: sm_90 and later). */
    public boolean widened() {
        return major >= 9;
    }

    /**
     * Launches timed back to back between one pair of events: a lone launch's events also count the launch latency (on the lent
     * H200 at least about 10 us whatever the kernel, gpu-backend/README.md), which a kernel in a model's stream does not pay.
     */
    public static final int BURST = 10;

    /**
     * A GEMM's output [M][N] and the kernel's time in milliseconds: the median over {@code repeats} timed bursts of {@link #BURST}
     * back-to-back launches, after warm-up.
     */
    public record Result(byte[] out, double medianMs) {
    }

    public Result gemm(KernelOperands k, int warmup, int repeats) {
        JCudaDriver.cuCtxSetCurrent(context);
        List<CUdeviceptr> buffers = new ArrayList<>();
        try {
            CUdeviceptr a4 = upload(buffers, k.a4());
            CUdeviceptr a8 = upload(buffers, k.a8());
            CUdeviceptr as = upload(buffers, k.ashift());
            CUdeviceptr w4 = upload(buffers, k.w4());
            CUdeviceptr w8 = upload(buffers, k.w8());
            CUdeviceptr ws = upload(buffers, k.wshift());
            CUdeviceptr bias = upload(buffers, k.bias());
            CUdeviceptr mult = upload(buffers, k.mult());
            CUdeviceptr shift = upload(buffers, k.shift());
            CUdeviceptr lut = k.lut() == null ? new CUdeviceptr() : upload(buffers, k.lut()); // a null device pointer: no table
            CUdeviceptr out = alloc(buffers, (long) k.m() * k.n());
            Pointer params = Pointer.to(Pointer.to(new int[]{k.m()}), Pointer.to(new int[]{k.n()}), Pointer.to(new int[]{k.k4()}),
                    Pointer.to(new int[]{k.k8()}), Pointer.to(new int[]{k.slice()}), Pointer.to(a4), Pointer.to(a8), Pointer.to(as), Pointer.to(w4),
                    Pointer.to(w8), Pointer.to(ws), Pointer.to(bias), Pointer.to(mult), Pointer.to(shift), Pointer.to(new int[]{k.lo()}),
                    Pointer.to(new int[]{k.hi()}), Pointer.to(lut), Pointer.to(out));
            CUfunction kernel = k.a4Codes() == FourBit.Codes.UNSIGNED ? gemmU4 : gemm;
            // flexiq_gemm.cu: one block of 128 threads per 64 x 64 output tile
            int block = 128;
            int grid = ((k.m() + 63) / 64) * ((k.n() + 63) / 64);
            for (int i = 0; i < warmup; i++) {
                JCudaDriver.cuLaunchKernel(kernel, grid, 1, 1, block, 1, 1, 0, null, params, null);
            }
            JCudaDriver.cuCtxSynchronize();
            double[] ms = new double[Math.max(1, repeats)];
            CUevent start = new CUevent();
            CUevent stop = new CUevent();
            JCudaDriver.cuEventCreate(start, 0);
            JCudaDriver.cuEventCreate(stop, 0);
            float[] t = new float[1];
            for (int i = 0; i < ms.length; i++) {
                JCudaDriver.cuEventRecord(start, null);
                for (int j = 0; j < BURST; j++) {
                    JCudaDriver.cuLaunchKernel(kernel, grid, 1, 1, block, 1, 1, 0, null, params, null);
                }
                JCudaDriver.cuEventRecord(stop, null);
                JCudaDriver.cuEventSynchronize(stop);
                JCudaDriver.cuEventElapsedTime(t, start, stop);
                ms[i] = t[0] / BURST;
            }
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
            byte[] y = new byte[k.m() * k.n()];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(y), out, y.length);
            Arrays.sort(ms);
            return new Result(y, ms[ms.length / 2]);
        } finally {
            for (CUdeviceptr p : buffers) {
                JCudaDriver.cuMemFree(p);
            }
        }
    }

    private static CUdeviceptr alloc(List<CUdeviceptr> buffers, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(p, Math.max(4, bytes));
        buffers.add(p);
        return p;
    }

    private static CUdeviceptr upload(List<CUdeviceptr> buffers, byte[] host) {
        CUdeviceptr p = alloc(buffers, host.length);
        if (host.length > 0) {
            JCudaDriver.cuMemcpyHtoD(p, Pointer.to(host), host.length);
        }
        return p;
    }

    private static CUdeviceptr upload(List<CUdeviceptr> buffers, int[] host) {
        CUdeviceptr p = alloc(buffers, 4L * host.length);
        if (host.length > 0) {
            JCudaDriver.cuMemcpyHtoD(p, Pointer.to(host), 4L * host.length);
        }
        return p;
    }

    @Override
    public void close() {
        JCudaDriver.cuCtxDestroy(context);
    }
}
