package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPU path without a GPU: every matrix product with weights (Conv2d with one group, Linear) runs through
 * {@link MixedGemmKernel}, the kernel's arithmetic in Java; the other layers (elementwise, normalization,
 * softmax, pooling, attention products of two activations, depthwise convolutions) run on CUDA cores in int8
 * and int32 and compute what the golden executor computes, which runs them here. Outputs equal the golden
 * executor's bit for bit, which the tests check.
 */
public final class GpuEmulator {
    private GpuEmulator() {
    }

    /** Where a GEMM node's kernel runs: given its name and buffers, its [M][N] output. */
    public interface Gemms {
        byte[] run(String node, KernelOperands k);
    }

    /** One inference at a stored ratio; {@code widenInt4} emulates a GPU without int4 tensor cores. */
    public static Map<String, byte[]> run(QuantizedModel q, double ratio, Extraction extraction, boolean widenInt4, Map<String, FloatTensor> inputs) {
        return run(q, ratio, extraction, (node, k) -> MixedGemmKernel.run(k, widenInt4), inputs);
    }

    /** One inference with the GEMM kernels run by {@code gemms} (the emulation, or a GPU), the other layers as the golden executor runs them. */
    public static Map<String, byte[]> run(QuantizedModel q, double ratio, Extraction extraction, Gemms gemms, Map<String, FloatTensor> inputs) {
        return run(q, ratio, extraction, ActivationKernels.JAVA, gemms, inputs);
    }

    /** The same, the GEMMs' activations prepared by {@code activations} (the extraction and im2col kernels, in Java or on a GPU). */
    public static Map<String, byte[]> run(QuantizedModel q, double ratio, Extraction extraction, ActivationKernels activations, Gemms gemms,
                                          Map<String, FloatTensor> inputs) {
        GoldenExecutor golden = new GoldenExecutor(q, ratio, extraction);
        GoldenExecutor.IntState state = golden.inputs(inputs);
        List<Node> nodes = q.graph().nodes();
        java.util.Set<String> fused = new java.util.HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (fused.contains(n.name())) {
                continue; // computed by the GEMM before it
            }
            if (tensorCoreGemm(q, n)) {
                Conv2d conv = n.layer() instanceof Conv2d c ? c : null;
                Shape shape = q.graph().shape(n.name());
                KernelOperands k = KernelOperands.of(golden.gemmOperands(n.name(), state), conv, shape, activations);
                Node act = fusedActivation(q, n);
                if (act != null) {
                    NodeQuant a = q.nodes().get(act.name());
                    k = a instanceof NodeQuant.Clamp c ? k.withActivation(c.min(), c.max(), null) : k.withActivation(-128, 127, ((NodeQuant.Lookup) a).table());
                    fused.add(act.name());
                }
                byte[] y = gemms.run(n.name(), k);
                state.put(act != null ? act.name() : n.name(), conv == null ? y : channelsFirst(y, shape));
            } else {
                golden.runNode(i, state);
            }
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String o : q.graph().outputs()) {
            out.put(o, state.tensor(o));
        }
        return out;
    }

    /**
     * The activation a GEMM's epilogue applies: its only reader, when that is an elementwise clamp (ReLU,
     * ReLU6) or table (GELU, SiLU, tanh) and the GEMM's own output is not a model output.
     */
    static Node fusedActivation(QuantizedModel q, Node gemm) {
        List<Node> readers = q.graph().consumers(gemm.name());
        if (readers.size() != 1 || q.graph().outputs().contains(gemm.name())) {
            return null;
        }
        Node r = readers.get(0);
        NodeQuant a = q.nodes().get(r.name());
        return r.layer() instanceof org.flexiq.workloads.ir.Activation && (a instanceof NodeQuant.Clamp || a instanceof NodeQuant.Lookup) ? r : null;
    }

    /** The kernel's [pixels][channels] output of a convolution as the graph's [C, H, W]. */
    private static byte[] channelsFirst(byte[] y, Shape out) {
        int pixels = out.dim(1) * out.dim(2);
        int channels = out.dim(0);
        byte[] t = new byte[y.length];
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < channels; c++) {
                t[c * pixels + p] = y[p * channels + c];
            }
        }
        return t;
    }

    /** A node the mixed-precision GEMM kernel runs: a product with weights, not a depthwise convolution. */
    static boolean tensorCoreGemm(QuantizedModel q, Node n) {
        return q.nodes().get(n.name()) instanceof NodeQuant.Gemm
                && (n.layer() instanceof Linear || n.layer() instanceof Conv2d c && c.groups() == 1);
    }
}
