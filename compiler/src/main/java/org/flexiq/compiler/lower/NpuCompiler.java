package org.flexiq.compiler.lower;

import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.isa.Instruction;
import org.flexiq.isa.IoTensor;
import org.flexiq.isa.IsaException;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.isa.Target;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Mul;
import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.Flatten;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.LayerNorm;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.ir.Transpose;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a quantized model onto the NPU: one program for every stored ratio (loop.ws splits each layer's
 * reduction at its MAX_4BIT_CH register), a register profile per ratio, and the DRAM image. Constants
 * are placed first, then activations in an arena; layout ops (Transpose, Slice, most Reshapes) become
 * views and cost nothing; a ReLU after a Conv2d/Linear is fused into its requantization, one after a residual add or a
 * depthwise convolution into a table lookup before the store.
 */
public final class NpuCompiler {
    private NpuCompiler() {
    }

    /** The full program with the tilings that move the fewest DRAM bytes (no DRAM rate to estimate their time at). */
    public static CompiledProgram compile(QuantizedModel model, Target target) {
        return compile(model, target, 0, 0);
    }

    /** {@link #compile(QuantizedModel, Target, double, double)} with the tilings that move the fewest DRAM bytes. */
    public static CompiledProgram compile(QuantizedModel model, Target target, double minRatio) {
        return compile(model, target, minRatio, 0);
    }

    /**
     * A program that serves the stored ratios from {@code minRatio} up (FLEXIQ.md's open question of the memory footprint).
     * Every input channel 4-bit at minRatio is 4-bit at every ratio served, so its weights are stored, moved and preloaded
     * as packed 4-bit codes (mvin.w4, half the bytes) instead of int8 weights lowered at preload; the profiles below
     * minRatio, 8-bit included, are left out. minRatio 0 is the full program. Either way the outputs are the golden
     * executor's: the codes are the ones the preload would have made.
     *
     * Each matrix product takes the tiling estimated fastest where the machine's DMA rate is given ({@code dramBytesPerCycle},
     * bytes per array cycle; infinite for ideal memory), else the one that moves the fewest DRAM bytes (0); the outputs are
     * the same either way.
     *
     * @throws IllegalArgumentException when minRatio is neither 0 nor a stored ratio
     */
    public static CompiledProgram compile(QuantizedModel model, Target target, double minRatio, double dramBytesPerCycle) {
        return compile(model, target, minRatio, dramBytesPerCycle, 1);
    }

    /** Largest batch a program is compiled for. */
    public static final int MAX_BATCH = 1024;

    /**
     * {@link #compile(QuantizedModel, Target, double, double)} for a batch of {@code batch} images: every activation is held
     * once per image, the program's inputs and outputs gain a leading dimension of {@code batch} (image i's values follow
     * image i - 1's in row-major order), and each matrix product serves every image per weight load where its tiles allow
     * (weights stay in the scratchpad while the images' rows stream through). The other layers run image by image. Each
     * image's outputs are the golden executor's for that image. Batch 1 is the program above, byte for byte.
     *
     * @throws IllegalArgumentException when batch is not in [1, {@link #MAX_BATCH}]
     */
    public static CompiledProgram compile(QuantizedModel model, Target target, double minRatio, double dramBytesPerCycle, int batch) {
        if (batch < 1 || batch > MAX_BATCH) {
            throw new IllegalArgumentException("batch " + batch + " is not in [1, " + MAX_BATCH + "]");
        }
        if (!(dramBytesPerCycle >= 0)) {
            throw new IllegalArgumentException("DRAM bytes per cycle " + dramBytesPerCycle + " is not 0 (unknown) or positive");
        }
        for (Site s : model.sites().values()) {
            model.fourBitChannels(s, minRatio); // refuses a ratio the model does not store
        }
        if (minRatio < 0 || minRatio > 1) {
            throw new IllegalArgumentException("minimum ratio " + minRatio + " is not in [0, 1]");
        }
        int g = model.groupWidth();
        if (!model.sites().isEmpty()) {
            int lanes = target.int4FoldRows();
            if (g % 2 != 0 || (g > lanes && g % lanes != 0)) {
                throw new InfeasibleException("group width " + g + " does not divide into the " + lanes + " int4 lanes of a "
                        + target.rows() + "-row array (use a divisor or a multiple of " + lanes + ")");
            }
        }
        QuantizedModel m = laidOut(model);
        LoweringContext cx = new LoweringContext(target, m, minRatio, dramBytesPerCycle, batch);
        Graph graph = m.graph();
        Map<String, String> fusedClamp = fusedClamps(m);
        Map<String, Object> constants = new HashMap<>();
        for (Site s : m.sites().values()) {
            if (s.gather() != null) {
                byte[] tab = new byte[2 * s.channels()];
                for (int ch = 0; ch < s.channels(); ch++) {
                    tab[2 * ch] = (byte) s.gather()[ch];
                    tab[2 * ch + 1] = (byte) (s.gather()[ch] >>> 8);
                }
                cx.gatherTables.put(s.tensor(), cx.image.put(tab));
                cx.reorders++;
            }
        }
        for (Node n : graph.nodes()) {
            Object c = constants(cx, n);
            if (c != null) {
                constants.put(n.name(), c);
            }
        }
        cx.closeImage(DramArena.lastReads(graph, viewNodes(graph, fusedClamp)));
        List<IoTensor> io = new ArrayList<>();
        for (TensorInfo in : graph.inputs()) {
            boolean ids = graph.consumers(in.name()).stream().anyMatch(n -> n.layer() instanceof Embedding);
            TensorView v;
            if (ids) {
                TensorView d = cx.allocate(in.name(), in.shape(), TensorView.identity(in.shape().rank()), 4);
                int[] strides = d.strides().clone();
                for (int i = 0; i < strides.length; i++) {
                    strides[i] *= 4;
                }
                v = new TensorView(d.base(), d.shape(), strides, d.batchStride());
            } else {
                v = cx.allocate(in.name(), in.shape(), in.shape().rank() == 3 ? LoweringContext.CHANNELS_LAST : TensorView.identity(in.shape().rank()), 1);
            }
            cx.views.put(in.name(), v);
            io.add(ioTensor(in.name(), IoTensor.Role.INPUT, ids, v, batch));
        }
        for (Node n : graph.nodes()) {
            cx.now++;
            if (cx.views.containsKey(n.name())) {
                continue; // a fused clamp: its producer wrote it
            }
            lower(cx, n, constants, fusedClamp);
        }
        for (String o : graph.outputs()) {
            io.add(ioTensor(o, IoTensor.Role.OUTPUT, false, cx.views.get(o), batch));
        }
        cx.code.add(new Instruction.Halt());
        checkFields(cx);
        NpuProgram program = new NpuProgram(target, cx.code, cx.layers, profiles(cx), io, cx.image.bytes(), cx.dramBytes());
        CompileReport report = new CompileReport(cx.layers.size(), cx.code.size(), program.codeBytes().length, cx.image.size(),
                cx.dramBytes(), cx.peakScratchpad, cx.registers.size(), cx.reorders, cx.reorderBytes, cx.weightBytes, cx.packedWeightBytes,
                cx.chunkRegisters.size());
        return new CompiledProgram(program, report);
    }

    /** A program input or output: batch 1 as the model's tensor, else with a leading dimension over the images. */
    private static IoTensor ioTensor(String name, IoTensor.Role role, boolean ids, TensorView v, int batch) {
        TensorView all = batch == 1 ? v : v.overImages(batch);
        return new IoTensor(name, role, ids, all.base(), all.shape(), all.strides());
    }

    /** Every operand must fit its field; one that does not (a huge stride, say) makes the layer infeasible, named. */
    private static void checkFields(LoweringContext cx) {
        String layer = "(prologue)";
        for (Instruction insn : cx.code) {
            if (insn instanceof Instruction.Layer l) {
                layer = cx.layers.get(l.id());
            }
            try {
                insn.opcode().make(insn.operands());
            } catch (IsaException e) {
                throw new InfeasibleException("layer " + layer + ": " + e.getMessage());
            }
        }
    }

    /** The compiler needs each site's channels stored in selection order (a file written by `sim quantize` is). */
    private static QuantizedModel laidOut(QuantizedModel m) {
        for (Site s : m.sites().values()) {
            for (int i = 0; i < s.channels(); i++) {
                if (s.order()[i] != i) {
                    return FlexiqLayout.apply(m);
                }
            }
        }
        return m;
    }

    /**
     * Element-wise nodes folded into their producer when it has no other reader: a clamp after a Conv2d/Linear
     * (the requantization clamps), a clamp or table after a residual add or a depthwise convolution (applied to its output in
     * the scratchpad).
     */
    /**
     * The nodes whose output may be a view of their first input's bytes: layout ops (a Reshape only where strides express
     * it, which lowering finds out; any may be) and the clamps and tables fused into their producer.
     */
    private static Set<String> viewNodes(Graph g, Map<String, String> fusedClamp) {
        Set<String> views = new HashSet<>(fusedClamp.values());
        for (Node n : g.nodes()) {
            if (n.layer() instanceof Flatten || n.layer() instanceof Reshape || n.layer() instanceof Transpose || n.layer() instanceof Slice) {
                views.add(n.name());
            }
        }
        return views;
    }

    private static Map<String, String> fusedClamps(QuantizedModel m) {
        Map<String, String> fused = new HashMap<>();
        Graph g = m.graph();
        for (Node n : g.nodes()) {
            NodeQuant q = m.nodes().get(n.name());
            if (!(q instanceof NodeQuant.Clamp || q instanceof NodeQuant.Lookup)) {
                continue;
            }
            String in = n.inputs().get(0);
            Node producer = g.inputs().stream().anyMatch(t -> t.name().equals(in)) ? null : g.node(in);
            boolean gemm = q instanceof NodeQuant.Clamp && producer != null && m.nodes().get(in) instanceof NodeQuant.Gemm
                    && !(producer.layer() instanceof Conv2d c && c.groups() != 1);
            boolean add = producer != null && producer.layer() instanceof Add;
            boolean depthwise = producer != null && producer.layer() instanceof Conv2d c && c.groups() != 1;
            if ((gemm || add || depthwise) && g.consumers(in).size() == 1 && !g.outputs().contains(in)) {
                fused.put(in, n.name());
            }
        }
        return fused;
    }

    private static Object constants(LoweringContext cx, Node n) {
        NodeQuant q = cx.model.nodes().get(n.name());
        Graph graph = cx.model.graph();
        if (n.layer() instanceof Conv2d c && c.groups() != 1) {
            Shape in = graph.shape(n.inputs().get(0));
            if (c.groups() != in.dim(0) || c.outChannels() != in.dim(0)) {
                throw new InfeasibleException("layer " + n.name() + ": grouped convolution with " + c.groups()
                        + " groups is supported only as depthwise (groups = channels in = channels out)");
            }
            NodeQuant.Gemm w = (NodeQuant.Gemm) q;
            return new WindowLowering.Depthwise(cx.image.put(w.weight()), cx.image.putInts(w.bias()),
                    cx.image.put(GemmLowering.multipliers(w.requant())));
        } else if (q instanceof NodeQuant.Gemm w) {
            return GemmLowering.constants(cx, n, w);
        } else if (q instanceof NodeQuant.MatMul mm) {
            return new int[]{cx.image.put(GemmLowering.multipliers(mm.requant())), cx.image.put(new byte[4 * cx.target.cols()])};
        } else if (q instanceof NodeQuant.Add a) {
            return cx.image.put(GemmLowering.multipliers(a.a(), a.b()));
        } else if (q instanceof NodeQuant.Mul mul) {
            return cx.image.put(GemmLowering.multipliers(mul.requant()));
        } else if (q instanceof NodeQuant.Rescale r && n.layer() instanceof Concat) {
            int[] tables = new int[r.multipliers().size()];
            for (int i = 0; i < tables.length; i++) {
                tables[i] = cx.image.put(table(r.multipliers().get(i)));
            }
            return tables;
        } else if (q instanceof NodeQuant.Rescale r) {
            return cx.image.put(GemmLowering.multipliers(r.multipliers().get(0)));
        } else if (q instanceof NodeQuant.Clamp c) {
            byte[] t = new byte[256];
            for (int x = -128; x < 128; x++) {
                t[x + 128] = (byte) IntArithmetic.saturate(x, c.min(), c.max());
            }
            return cx.image.put(t);
        } else if (q instanceof NodeQuant.Lookup l) {
            return cx.image.put(l.table());
        } else if (q instanceof NodeQuant.Values v) {
            return cx.image.put(v.values());
        } else if (q instanceof NodeQuant.Softmax s) {
            return cx.image.putInts(s.exp());
        } else if (q instanceof NodeQuant.LayerNorm ln) {
            int d = ln.gamma().length;
            int[] p = new int[2 * d + 2];
            System.arraycopy(ln.gamma(), 0, p, 0, d);
            System.arraycopy(ln.beta(), 0, p, d, d);
            p[2 * d] = (int) ln.eps();
            p[2 * d + 1] = (int) (ln.eps() >>> 32);
            return cx.image.putInts(p);
        }
        return null;
    }

    private static byte[] table(FixedPoint m) {
        byte[] t = new byte[256];
        for (int x = -128; x < 128; x++) {
            t[x + 128] = IntArithmetic.saturateInt8(m.apply(x));
        }
        return t;
    }

    /**
     * Lowers one node. Layout ops become views (every image's, through the batch stride); a matrix product with weights
     * serves all images at once ({@link GemmLowering}); every other compute layer is emitted once per image.
     */
    private static void lower(LoweringContext cx, Node n, Map<String, Object> constants, Map<String, String> fusedClamp) {
        Object c = constants.get(n.name());
        Graph graph = cx.model.graph();
        Shape outShape = graph.shape(n.name());
        TensorView in0 = n.inputs().isEmpty() ? null : cx.views.get(n.inputs().get(0));
        NodeQuant q = cx.model.nodes().get(n.name());
        var l = n.layer();
        // Java 17 has no pattern switch; the final throw names any layer kind left out.
        if (l instanceof Flatten || l instanceof Reshape) {
            TensorView v = in0.reshape(outShape.dims());
            if (v == null) {
                cx.beginLayer(n.name());
                TensorView dense = cx.allocate(n.name(), graph.shape(n.inputs().get(0)), TensorView.identity(in0.rank()), 1);
                for (int b = 0; b < cx.batch; b++) {
                    VectorLowering.elementwise(cx, n.name(), VectorLowering.Kind.COPY, dense.image(b), List.of(in0.image(b)), -1);
                }
                v = dense.reshape(outShape.dims());
            }
            cx.views.put(n.name(), v);
        } else if (l instanceof Transpose t) {
            cx.views.put(n.name(), in0.permute(t.perm().stream().mapToInt(Integer::intValue).toArray()));
        } else if (l instanceof Slice s) {
            cx.views.put(n.name(), in0.slice(s.axis(), s.start(), s.end()));
        } else if (l instanceof Constant) {
            cx.views.put(n.name(), TensorView.dense((Integer) c, outShape.dims(), TensorView.identity(outShape.rank())));
        } else if (l instanceof Conv2d || l instanceof Linear) {
            boolean depthwise = ((l instanceof Conv2d conv) && conv.groups() != 1);
            String clamp = fusedClamp.get(n.name());
            NodeQuant.Clamp cl = clamp == null || depthwise ? null : (NodeQuant.Clamp) cx.model.nodes().get(clamp);
            cx.beginLayer(clamp == null ? n.name() : n.name() + "+" + clamp);
            TensorView out = cx.allocate(n.name(), outShape, l instanceof Conv2d ? LoweringContext.CHANNELS_LAST : TensorView.identity(outShape.rank()), 1);
            if (depthwise) {
                Shape in = graph.shape(n.inputs().get(0));
                Conv2d conv = (Conv2d) l;
                ConvGeometry g = new ConvGeometry(in.dim(1), in.dim(2), outShape.dim(1), outShape.dim(2), conv.kernelH(), conv.kernelW(),
                        conv.strideH(), conv.strideW(), conv.padH(), conv.padW(), conv.dilation());
                for (int b = 0; b < cx.batch; b++) {
                    WindowLowering.emit(cx, n.name(), g, in.dim(0), in0.image(b).permute(LoweringContext.CHANNELS_LAST).rows(),
                            out.image(b).permute(LoweringContext.CHANNELS_LAST).rows(), -1, (WindowLowering.Depthwise) c,
                            clamp == null ? -1 : (Integer) constants.get(clamp));
                }
            } else if (l instanceof Conv2d conv) {
                GemmLowering.conv(cx, n, in0, conv, (NodeQuant.Gemm) q, (GemmLowering.Constants) c, out, cl == null ? -128 : cl.min(),
                        cl == null ? 127 : cl.max());
            } else {
                GemmLowering.linear(cx, n, in0, (NodeQuant.Gemm) q, (GemmLowering.Constants) c, out, cl == null ? -128 : cl.min(),
                        cl == null ? 127 : cl.max());
            }
            cx.views.put(n.name(), out);
            if (clamp != null) {
                cx.views.put(clamp, out);
            }
        } else {
            String post = l instanceof Add ? fusedClamp.get(n.name()) : null;
            cx.beginLayer(post == null ? n.name() : n.name() + "+" + post);
            TensorView out = cx.allocate(n.name(), outShape, outputOrder(cx, n, l, outShape), 1);
            for (int b = 0; b < cx.batch; b++) {
                lowerImage(cx, n, b, c, out.image(b), post == null ? -1 : (Integer) constants.get(post));
            }
            cx.views.put(n.name(), out);
            if (post != null) {
                cx.views.put(post, out);
            }
        }
    }

    /** How a compute layer other than a matrix product with weights stores its output. */
    private static int[] outputOrder(LoweringContext cx, Node n, org.flexiq.workloads.ir.Layer l, Shape outShape) {
        if (l instanceof Mul || l instanceof Add) {
            return cx.views.get(n.inputs().get(0)).broadcastTo(outShape.dims()).physicalOrder();
        } else if (l instanceof Concat || l instanceof MaxPool || l instanceof AvgPool) {
            return l instanceof Concat ? cx.views.get(n.inputs().get(0)).physicalOrder() : LoweringContext.CHANNELS_LAST;
        } else if (l instanceof MatMul || l instanceof GlobalAvgPool || l instanceof LayerNorm || l instanceof Softmax || l instanceof Embedding) {
            return TensorView.identity(outShape.rank());
        } else if (cx.model.nodes().get(n.name()) instanceof NodeQuant.Clamp || cx.model.nodes().get(n.name()) instanceof NodeQuant.Lookup) {
            return cx.views.get(n.inputs().get(0)).physicalOrder();
        }
        throw new InfeasibleException("layer " + n.name() + ": the NPU compiler has no lowering for " + l.kind());
    }

    /** One image's instructions of a compute layer other than a matrix product with weights, into {@code out}. */
    private static void lowerImage(LoweringContext cx, Node n, int b, Object c, TensorView out, int post) {
        Graph graph = cx.model.graph();
        Shape outShape = graph.shape(n.name());
        TensorView in0 = cx.views.get(n.inputs().get(0)).image(b);
        NodeQuant q = cx.model.nodes().get(n.name());
        var l = n.layer();
        if (l instanceof MatMul) {
            int[] p = (int[]) c;
            GemmLowering.matmul(cx, n, in0, cx.views.get(n.inputs().get(1)).image(b), (NodeQuant.MatMul) q, p[1], p[0], out);
        } else if (l instanceof Mul || l instanceof Add) {
            TensorView a = in0.broadcastTo(outShape.dims());
            TensorView other = cx.views.get(n.inputs().get(1)).image(b).broadcastTo(outShape.dims());
            if (l instanceof Mul) {
                VectorLowering.elementwise(cx, n.name(), VectorLowering.Kind.MUL, out, List.of(a, other), (Integer) c);
            } else {
                VectorLowering.elementwise(cx, n.name(), VectorLowering.Kind.ADD, out, List.of(a, other), (Integer) c, post);
            }
        } else if (l instanceof Concat cat) {
            int[] tables = (int[]) c;
            int off = 0;
            for (int i = 0; i < n.inputs().size(); i++) {
                TensorView part = cx.views.get(n.inputs().get(i)).image(b);
                int size = part.shape()[cat.axis()];
                VectorLowering.elementwise(cx, n.name(), VectorLowering.Kind.LUT, out.slice(cat.axis(), off, off + size), List.of(part), tables[i]);
                off += size;
            }
        } else if (l instanceof MaxPool || l instanceof AvgPool || l instanceof GlobalAvgPool) {
            Shape in = graph.shape(n.inputs().get(0));
            ConvGeometry g;
            TensorView.Rows outRows;
            if (l instanceof GlobalAvgPool) {
                if (in.dim(1) > 255 || in.dim(2) > 255) {
                    throw new InfeasibleException("layer " + n.name() + ": a " + in.dim(1) + "x" + in.dim(2) + " global pool exceeds the 255-tap window");
                }
                g = new ConvGeometry(in.dim(1), in.dim(2), 1, 1, in.dim(1), in.dim(2), 1, 1, 0, 0, 1);
                outRows = new TensorView.Rows(out.base(), new int[]{1}, new int[]{in.dim(0)}, in.dim(0), 1);
            } else {
                // the bottom and right padding need no field: windows are clipped to the image, which ends there
                PoolWindow w = l instanceof MaxPool mp ? mp.window() : ((AvgPool) l).window();
                g = new ConvGeometry(in.dim(1), in.dim(2), outShape.dim(1), outShape.dim(2), w.kernelH(), w.kernelW(),
                        w.strideH(), w.strideW(), w.padTop(), w.padLeft(), w.dilation());
                outRows = out.permute(LoweringContext.CHANNELS_LAST).rows();
            }
            WindowLowering.emit(cx, n.name(), g, in.dim(0), in0.permute(LoweringContext.CHANNELS_LAST).rows(), outRows,
                    l instanceof MaxPool ? -1 : (Integer) c, null, -1);
        } else if (l instanceof LayerNorm) {
            VectorLowering.layerNorm(cx, n.name(), in0, out, (Integer) c);
        } else if (l instanceof Softmax sm) {
            VectorLowering.softmax(cx, n.name(), in0, out, sm.causal(), (Integer) c);
        } else if (l instanceof Embedding e) {
            VectorLowering.embedding(cx, n.name(), in0, (Integer) c, e.vocab(), e.dim(), out);
        } else {
            // a clamp or table not fused into its producer (outputOrder refused every other kind)
            VectorLowering.elementwise(cx, n.name(), VectorLowering.Kind.LUT, out, List.of(in0), (Integer) c);
        }
    }

    private static List<RegisterProfile> profiles(LoweringContext cx) {
        List<Double> ratios = new ArrayList<>(cx.model.ratios());
        if (ratios.stream().noneMatch(r -> Math.abs(r) < QuantizedModel.RATIO_TOLERANCE)) {
            ratios.add(0, 0.0);
        }
        // below the floor the code rows would have to run as int8 folds, which their 4-bit codes cannot
        ratios.removeIf(r -> r < cx.minRatio - QuantizedModel.RATIO_TOLERANCE);
        List<RegisterProfile> out = new ArrayList<>();
        for (double r : ratios) {
            Map<Integer, Integer> values = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : cx.registers.entrySet()) {
                values.put(e.getValue(), cx.model.fourBitChannels(cx.model.siteOf(e.getKey()), r));
            }
            for (Map.Entry<LoweringContext.ChannelChunk, Integer> e : cx.chunkRegisters.entrySet()) {
                values.put(e.getValue(), e.getKey().fourBit(values.get(e.getKey().layerRegister())));
            }
            out.add(new RegisterProfile(profileName(r), values));
        }
        return out;
    }

    /** "0", "0.25", "1": the ratio as the user types it. */
    public static String profileName(double ratio) {
        return BigDecimal.valueOf(ratio).stripTrailingZeros().toPlainString();
    }
}
