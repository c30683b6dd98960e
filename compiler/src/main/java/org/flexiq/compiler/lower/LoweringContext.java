package org.flexiq.compiler.lower;

import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.Target;
import org.flexiq.workloads.ir.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the lowering of every node shares: the target, the model, the code being emitted, the DRAM image
 * and arena, where each tensor lies, the MAX_4BIT_CH register of each 4-bit-capable layer, and the tallies
 * the compile report prints.
 */
final class LoweringContext {
    final Target target;
    final QuantizedModel model;
    final List<Instruction> code = new ArrayList<>();
    final List<String> layers = new ArrayList<>();
    final DramImage image = new DramImage();
    final Map<String, TensorView> views = new HashMap<>();
    final Map<String, Integer> registers = new LinkedHashMap<>();
    /** DRAM address of each reorder site's int16 channel table. */
    final Map<String, Integer> gatherTables = new HashMap<>();
    private DramArena arena;
    /** The node being lowered (its index in the graph's order; -1 before the first): the arena frees what it no longer needs. */
    int now = -1;
    /** The last node that reads each tensor, through views ({@link DramArena#lastReads}). */
    private Map<String, Integer> lastReads = Map.of();
    int peakScratchpad;
    int reorders;
    long reorderBytes;
    long weightBytes;
    long packedWeightBytes;

    /** The model has no values ({@link org.flexiq.compiler.quant.Quantizer#timingOnly}): its constants are reserved zeros. */
    final boolean timingOnly;

    /**
     * The lowest ratio the program serves: the channels 4-bit at it are 4-bit at every ratio it serves, so their weights are
     * stored as packed 4-bit codes; 0 for a program that serves every stored ratio and 8-bit.
     */
    final double minRatio;

    /**
     * The DMA's bytes per array cycle on the machine the program is tuned for (infinite for ideal memory), which tilings are
     * chosen by ({@link TilingEstimate}); 0 where it is not known: the tiling that moves the fewest DRAM bytes.
     */
    final double dramBytesPerCycle;

    /** Images per run: every activation is held once per image, and each matrix product serves them all per weight load. */
    final int batch;

    LoweringContext(Target target, QuantizedModel model, double minRatio, double dramBytesPerCycle, int batch) {
        this.target = target;
        this.batch = batch;
        this.model = model;
        this.minRatio = minRatio;
        this.dramBytesPerCycle = dramBytesPerCycle;
        this.timingOnly = model.metadata().containsKey(org.flexiq.compiler.quant.Quantizer.TIMING_ONLY);
    }

    /**
     * Starts the activation arena after the image; constants may no longer be added. {@code lastReads}: the last node that
     * reads each tensor, after which its buffer may hold another.
     */
    void closeImage(Map<String, Integer> lastReads) {
        this.arena = new DramArena((image.size() + 63) & ~63);
        this.lastReads = lastReads;
    }

    /**
     * A dense buffer in the arena for {@code tensor}, written by the node being lowered and held until its last reader,
     * laid out outermost-first in {@code order}, once per image of the batch.
     */
    TensorView allocate(String tensor, Shape shape, int[] order, int elementBytes) {
        if (arena == null) {
            throw new IllegalStateException("activations are placed after every constant");
        }
        long perImage = ((long) shape.elementCount() * elementBytes + 63) & ~63L;
        int at = arena.take(perImage * batch, now, lastReads.getOrDefault(tensor, DramArena.FOREVER));
        if (at < 0) {
            throw new InfeasibleException("the model's tensors need more than 2 GiB of DRAM" + (batch > 1 ? " at batch " + batch : ""));
        }
        TensorView image = TensorView.dense(at, shape.dims(), order);
        return new TensorView(image.base(), image.shape(), image.strides(), (int) perImage);
    }

    int dramBytes() {
        return arena.end();
    }

    int register(String layer) {
        return registers.computeIfAbsent(layer, k -> nextRegister());
    }

    /**
     * A loop over input channels [kbase, kbase + k) of a layer whose register is {@code layerRegister}: its own register, which
     * every profile sets to the chunk's share of the layer's 4-bit channels, clamp(MAX_4BIT_CH - kbase, 0, k).
     */
    record ChannelChunk(int layerRegister, int kbase, int k) {
        int fourBit(int layerFourBit) {
            return Math.max(0, Math.min(k, layerFourBit - kbase));
        }
    }

    /** Registers of channel chunks, in the order they were taken. */
    final Map<ChannelChunk, Integer> chunkRegisters = new LinkedHashMap<>();

    int register(ChannelChunk chunk) {
        return chunkRegisters.computeIfAbsent(chunk, k -> nextRegister());
    }

    private int nextRegister() {
        int r = NpuProgram.FIRST_LAYER_REGISTER + registers.size() + chunkRegisters.size();
        if (r >= NpuProgram.REGISTERS) {
            throw new InfeasibleException("more than " + (NpuProgram.REGISTERS - NpuProgram.FIRST_LAYER_REGISTER)
                    + " 4-bit-capable layers and channel chunks: the register file is full");
        }
        return r;
    }

    Scratchpad scratchpad(String layer) {
        return new Scratchpad(target.scratchpadBytes(), layer);
    }

    void done(Scratchpad sp) {
        peakScratchpad = Math.max(peakScratchpad, sp.peak());
    }

    /**
     * Starts a layer. Like Gemmini, the NPU tracks scratchpad and accumulator hazards itself but not DRAM
     * ones, so a layer first waits for the store queue to drain: its inputs are earlier layers' outputs.
     */
    void beginLayer(String name) {
        code.add(new Instruction.Layer(layers.size()));
        code.add(new Instruction.Fence(STORE_QUEUE));
        layers.add(name);
    }

    static final int STORE_QUEUE = 4;

    /** Feature maps [C, H, W] are stored channels-last: a pixel's channels are one scratchpad row. */
    static final int[] CHANNELS_LAST = {1, 2, 0};
}
