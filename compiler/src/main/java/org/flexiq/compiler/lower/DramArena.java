package org.flexiq.compiler.lower;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The activations' DRAM after the constants: each tensor's buffer is held from the layer that writes it through the last
 * layer that reads it, directly or through a view (a reshape, transpose, slice or fused clamp reads its input's bytes where
 * they lie), and is then free for a later tensor. The graph's inputs and outputs keep theirs to the end of the run. A
 * buffer is taken first fit from the freed ones (adjacent ones merged), 64-byte aligned, or from the top.
 *
 * <p>A layer never writes into a buffer that a layer still running reads: a buffer is freed only for layers after its last
 * reader, each layer starts with a fence on the stores before it, its first load follows every earlier layer's loads in the
 * load queue, and its stores follow its loads.
 */
final class DramArena {
    /** The last read of a tensor that lives to the end of the run. */
    static final int FOREVER = Integer.MAX_VALUE;
    private static final int ALIGN = 64;

    private int top;
    /** Free blocks, start to size. */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    /** Held blocks: start, size and the node index of the last read. */
    private final List<int[]> held = new ArrayList<>();

    /** An arena from {@code base} (64-byte aligned) up. */
    DramArena(int base) {
        this.top = base;
    }

    /** The first byte past the highest buffer ever held: the program's DRAM size. */
    int end() {
        return top;
    }

    /**
     * A buffer of {@code bytes} (a multiple of 64) for a tensor written by node {@code now} (-1 for the graph's inputs) and
     * last read by node {@code lastRead}.
     */
    int take(long bytes, int now, int lastRead) {
        release(now);
        int at = -1;
        for (Map.Entry<Integer, Integer> f : free.entrySet()) {
            int size = f.getValue();
            if (size >= bytes) {
                // read before the removal: TreeMap may move a successor's key and value into a removed entry
                at = f.getKey();
                free.remove(at);
                if (size > bytes) {
                    free.put((int) (at + bytes), (int) (size - bytes));
                }
                break;
            }
        }
        if (at < 0) {
            // the free block at the top, if any, is extended rather than left behind
            Map.Entry<Integer, Integer> last = free.lastEntry();
            at = last != null && last.getKey() + last.getValue() == top ? last.getKey() : top;
            long end = at + bytes;
            if (end > Integer.MAX_VALUE - ALIGN) {
                return -1; // the arena is left as it was
            }
            if (at != top) {
                free.remove(at);
            }
            top = (int) end;
        }
        held.add(new int[]{at, (int) bytes, lastRead});
        return at;
    }

    /** Frees the buffers whose last reader comes before node {@code now}, merging each with its free neighbours. */
    private void release(int now) {
        for (int i = held.size() - 1; i >= 0; i--) {
            int[] h = held.get(i);
            if (h[2] < now) {
                held.remove(i);
                int start = h[0];
                int size = h[1];
                Map.Entry<Integer, Integer> before = free.floorEntry(start);
                if (before != null && before.getKey() + before.getValue() == start) {
                    start = before.getKey();
                    size += before.getValue();
                    free.remove(start);
                }
                Integer after = free.get(start + size);
                if (after != null) {
                    free.remove(start + size);
                    size += after;
                }
                free.put(start, size);
            }
        }
    }

    /**
     * The index of the last node that reads each tensor, through the views of it ({@code views}: the nodes whose output may
     * be a view of their first input); the graph's inputs and outputs, and what they are views of, {@link #FOREVER}.
     */
    static Map<String, Integer> lastReads(Graph g, Set<String> views) {
        List<Node> nodes = g.nodes();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).name(), i);
        }
        Map<String, Integer> last = new HashMap<>();
        for (String o : g.outputs()) {
            last.put(o, FOREVER);
        }
        for (TensorInfo in : g.inputs()) {
            last.put(in.name(), FOREVER);
        }
        // consumers come after their inputs, so a view's own last read is known when its input is reached from the back
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            for (int j = 0; j < n.inputs().size(); j++) {
                String t = n.inputs().get(j);
                int through = j == 0 && views.contains(n.name()) ? last.getOrDefault(n.name(), i) : i;
                last.merge(t, Math.max(i, through), Math::max);
            }
            last.putIfAbsent(n.name(), i);
        }
        return last;
    }
}
