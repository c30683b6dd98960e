package org.flexiq.gpubackend;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a kernel costs beyond its arithmetic, fitted to measurements of simple kernels on a GPU (tools/gpu_layers.py; the
 * committed file is its output on the lent H200, gpu-backend/README.md "Measured"):
 * <ul>
 *   <li>{@code fixedUs}: a small kernel's time in a stream of kernels (the median of device copies of 8 KiB to 2 MiB, timed
 *       as bursts in a CUDA graph): launch gap, ramp-up and tail;</li>
 *   <li>{@code bandwidthEfficiency}: the DRAM bandwidth copies far larger than the L2 reach (128 MiB and up, read plus
 *       written), over the datasheet's;</li>
 *   <li>{@code hostLaunchUs}: how often the host can launch kernels one by one (eager PyTorch, bursts of empty kernels):
 *       a model of many short kernels is bound by it when the GPU would finish them faster.</li>
 * </ul>
 * A memory-bound kernel then takes {@code fixedUs + bytes / (bandwidth x efficiency)}; the same fixed cost and efficiency
 * are carried to GPUs that were not measured.
 */
public record StreamKernelTiming(double fixedUs, double bandwidthEfficiency, double hostLaunchUs, String fittedOn) {
    public static final StreamKernelTiming H200 = fit(resource("h200-stream-kernels.csv"), GpuSpec.named("h200"));

    /** A measured kernel: what, shape, dtype, bytes moved, median microseconds. */
    public record Measurement(String what, String shape, String dtype, long bytes, double us) {
    }

    public double memoryUs(GpuSpec gpu, long bytes) {
        return bytes / (gpu.memoryBandwidthGBps() * 1e3 * bandwidthEfficiency);
    }

    public static StreamKernelTiming fit(List<Measurement> data, GpuSpec on) {
        double[] small = data.stream().filter(m -> m.what().equals("copy") && m.bytes() <= (2L << 20)).mapToDouble(Measurement::us).toArray();
        double[] bandwidth = data.stream().filter(m -> m.what().equals("copy") && m.bytes() >= (128L << 20))
                .mapToDouble(m -> m.bytes() / m.us() / (on.memoryBandwidthGBps() * 1e3)).toArray();
        double[] host = data.stream().filter(m -> m.what().equals("empty_launch_eager_burst")).mapToDouble(Measurement::us).toArray();
        if (small.length == 0 || bandwidth.length == 0 || host.length == 0) {
            throw new IllegalArgumentException("stream-kernel measurements need copies of at most 2 MiB and of at least 128 MiB, and "
                    + "empty_launch_eager_burst");
        }
        return new StreamKernelTiming(median(small), median(bandwidth), median(host), on.id());
    }

    /**
     * The layers the model prices by their bytes, as measured (ViT-B/16's at batch 16): the other rows of the file are GEMMs,
     * PyTorch's several-kernel table lookup and whole models, which it does not price this way.
     */
    static final Set<String> MEMORY_BOUND = Set.of("add", "gelu", "layernorm", "softmax");

    /** The measured memory-bound layers, by name, for checking the model against. */
    public static Map<String, Measurement> layers(List<Measurement> data) {
        Map<String, Measurement> out = new TreeMap<>();
        for (Measurement m : data) {
            if (MEMORY_BOUND.contains(m.what())) {
                out.put(m.what() + " " + m.shape() + " " + m.dtype(), m);
            }
        }
        return out;
    }

    public static List<Measurement> resource(String file) {
        return CsvRows.resource("measured/" + file, "what,shape,dtype,bytes,median_us",
                f -> new Measurement(f[0], f[1], f[2], Long.parseLong(f[3]), Double.parseDouble(f[4])));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
