package org.flexiq.gpubackend;

import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels one inference launches at a ratio and batch: a mixed GEMM per product with weights (requant
 * and activation fused in its epilogue), an int8 GEMM per product of two activations, a CUDA-core kernel per
 * other computing layer; layout-only layers (reshape, flatten) launch nothing. Before each weight GEMM, the shipped
 * path's extraction and im2col kernels ({@link #EXTRACT}, {@link #IM2COL}); a tuned implementation would fuse them into
 * the producer's epilogue, so that a GEMM reads its 4-bit channels at half a byte each.
 */
public final class GpuPlan {
    /**
     * The kernels that prepare a GEMM's activations in the shipped path: {@code flexiq_extract} (the 4-bit channels
     * gathered, shifted and packed, the 8-bit ones copied, per input position) and {@code flexiq_im2col} (each GEMM row's
     * taps gathered). An ideal kernel would fuse both into the producer's epilogue; the timing model prices them for the
     * shipped kernel only, by their bytes.
     */
    public static final String EXTRACT = "extract";
    public static final String IM2COL = "im2col";

    private GpuPlan() {
    }

    /** Whether a kernel is one of the shipped path's activation kernels. */
    public static boolean activationKernel(GpuLayer l) {
        return l.kind().equals(EXTRACT) || l.kind().equals(IM2COL);
    }

    /** The plans at several ratios, in the order given (a repeated ratio once). */
    public static Map<Double, List<GpuLayer>> atRatios(QuantizedModel q, List<Double> ratios, int batch) {
        Map<Double, List<GpuLayer>> out = new LinkedHashMap<>();
        for (double r : ratios) {
            out.computeIfAbsent(r, x -> of(q, x, batch));
        }
        return out;
    }

    public static List<GpuLayer> of(QuantizedModel q, double ratio, int batch) {
        Graph g = q.graph();
        List<GpuLayer> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            Layer l = n.layer();
            Shape o = g.shape(n.name());
            if (n.inputs().isEmpty() || l instanceof org.flexiq.workloads.ir.Reshape || l instanceof org.flexiq.workloads.ir.Flatten) {
                continue;
            }
            String src = n.inputs().get(0);
            boolean fromNode = g.inputs().stream().noneMatch(t -> t.name().equals(src));
            if (fromNode && GpuEmulator.tensorCoreGemm(q, g.node(src)) && GpuEmulator.fusedActivation(q, g.node(src)) == n) {
                continue; // applied in the producing GEMM's epilogue
            }
            Shape in = g.shape(n.inputs().get(0));
            long inBytes = (long) batch * in.elementCount();
            long outBytes = (long) batch * o.elementCount();
            if (GpuEmulator.tensorCoreGemm(q, n)) {
                NodeQuant.Gemm w = (NodeQuant.Gemm) q.nodes().get(n.name());
                Site site = q.siteOf(n.name());
                int four = site == null ? 0 : q.fourBitChannels(site, ratio);
                int taps = w.taps();
                long rows = l instanceof Conv2d ? (long) o.dim(1) * o.dim(2) : o.elementCount() / o.last();
                long m = rows * batch;
                long k4 = (long) four * taps;
                long k8 = (long) (w.inChannels() - four) * taps;
                long groups = four / q.groupWidth();
                long issuedK4 = groups * taps * KernelOperands.slice(q.groupWidth());
                long weightBytes = w.outChannels() * (k8 + (k4 + 1) / 2);
                long actBytes = inBytes - (long) batch * in.elementCount() / w.inChannels() * four / 2;
                // the shipped path's activation kernels (KernelOperands): extract per input position, then gather per GEMM row
                long positions = (long) batch * in.elementCount() / w.inChannels();
                long block = groups * KernelOperands.slice(q.groupWidth()) / 2;
                long extracted = positions * (block + groups + (w.inChannels() - four));
                out.add(new GpuLayer(n.name() + " extract", EXTRACT, positions, 0, 0, 0, 0, inBytes + extracted, 0));
                out.add(new GpuLayer(n.name() + " im2col", IM2COL, m, 0, 0, 0, 0, extracted + m * (taps * (block + groups) + padded(k8)), 0));
                out.add(new GpuLayer(n.name(), "gemm", m, w.outChannels(), k8, k4, padded(k8), issuedK4, groups * taps,
                        actBytes + weightBytes + outBytes, 0));
            } else if (l instanceof MatMul) {
                Shape b = g.shape(n.inputs().get(1));
                long bm = (long) batch * in.product(0, in.rank() - 2);
                out.add(new GpuLayer(n.name(), "matmul", bm * in.dim(-2), b.dim(-1), in.dim(-1), 0, padded(in.dim(-1)), 0, 0,
                        inBytes + (long) batch * b.elementCount() + outBytes, 0));
            } else {
                long ops = (long) batch * l.macs(List.of(in), o) + 4L * outBytes;
                long extra = n.inputs().size() > 1 ? (long) batch * g.shape(n.inputs().get(1)).elementCount() : 0;
                out.add(new GpuLayer(n.name(), "cuda", outBytes, 0, 0, 0, 0, inBytes + extra + outBytes, ops));
            }
        }
        return out;
    }

    /** An int8 reduction length padded to the k of {@code m16n8k32.s8}, as the kernel's buffers are. */
    private static long padded(long k8) {
        return (k8 + Mma.K8 - 1) / Mma.K8 * Mma.K8;
    }
}
