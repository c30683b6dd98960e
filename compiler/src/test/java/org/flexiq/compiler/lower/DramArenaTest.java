package org.flexiq.compiler.lower;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The activation arena: no two buffers that are held at once overlap, freed space is taken again, and lifetimes run through views. */
class DramArenaTest {

    /**
     * Random tensors, each written by one node and last read by a later one (some kept to the end): every pair held at a
     * common node lies apart, and the arena ends below the sum of all the buffers (space was reused).
     */
    @Test
    void buffersHeldAtOnceNeverOverlap() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            DramArena arena = new DramArena(4096);
            List<long[]> taken = new ArrayList<>(); // start, size, written at, last read
            long sum = 0;
            int nodes = 5 + rnd.nextInt(60);
            for (int now = -1; now < nodes; now++) {
                int count = now < 0 ? 1 + rnd.nextInt(3) : rnd.nextInt(3);
                for (int i = 0; i < count; i++) {
                    long bytes = 64L * (1 + rnd.nextInt(40));
                    int last = rnd.nextInt(8) == 0 ? DramArena.FOREVER : now + rnd.nextInt(1, 12);
                    int at = arena.take(bytes, now, last);
                    assertThat(at % 64).isZero();
                    assertThat(at).isGreaterThanOrEqualTo(4096);
                    taken.add(new long[]{at, bytes, now, last});
                    sum += bytes;
                }
            }
            for (int a = 0; a < taken.size(); a++) {
                for (int b = a + 1; b < taken.size(); b++) {
                    long[] x = taken.get(a);
                    long[] y = taken.get(b);
                    boolean heldTogether = x[2] <= y[3] && y[2] <= x[3];
                    boolean apart = x[0] + x[1] <= y[0] || y[0] + y[1] <= x[0];
                    assertThat(!heldTogether || apart).as("trial %d: buffers %d and %d", trial, a, b).isTrue();
                }
                assertThat(taken.get(a)[0] + taken.get(a)[1]).isLessThanOrEqualTo(arena.end());
            }
            if (trial == 0) {
                assertThat(arena.end() - 4096L).isLessThan(sum);
            }
        }
    }

    /** A buffer is free for the nodes after its last reader, not for that reader's own output; freed neighbours merge. */
    @Test
    void freedBuffersAreTakenAgainFirstFitAndMerge() {
        DramArena arena = new DramArena(0);
        int a = arena.take(128, 0, 1);
        int b = arena.take(64, 0, 1);
        int c = arena.take(256, 1, 5); // a and b are read by node 1: still held
        assertThat(new int[]{a, b, c}).containsExactly(0, 128, 192);
        // at node 2 both are free and merged: 192 bytes at 0
        assertThat(arena.take(192, 2, 3)).isZero();
        assertThat(arena.end()).isEqualTo(448);
        // at node 4 the 192 bytes are free again; 256 do not fit there, and c is held: the top grows
        assertThat(arena.take(256, 4, 6)).isEqualTo(448);
        // a free block at the top is extended rather than left behind
        DramArena top = new DramArena(0);
        top.take(64, 0, 0);
        int big = top.take(128, 0, 9);
        top.take(64, 1, 1);
        assertThat(top.take(192, 2, 9)).isEqualTo(big + 128);
        assertThat(top.end()).isEqualTo(64 + 128 + 192);
    }

    /**
     * fmnist-vit's lifetimes: a tensor read through views (its patch embedding through a flatten and a transpose) lives until
     * the last reader of the view, the graph's inputs and outputs to the end, every other tensor until its last reader.
     */
    @Test
    void lifetimesRunThroughViews() {
        Graph g = ModelZoo.get("fmnist-vit").graph(ModelZoo.get("fmnist-vit").defaults());
        Set<String> views = Set.of("patch_flatten", "patch_tokens");
        Map<String, Integer> last = DramArena.lastReads(g, views);
        List<Node> nodes = g.nodes();
        int tokens = indexOf(nodes, "tokens");
        assertThat(last.get("patch_tokens")).isEqualTo(tokens);
        assertThat(last.get("patch_embed")).isEqualTo(tokens);
        assertThat(last.get("image")).isEqualTo(DramArena.FOREVER);
        assertThat(last.get(g.outputs().get(0))).isEqualTo(DramArena.FOREVER);
        assertThat(last.get("pos_add")).isEqualTo(nodes.stream().filter(n -> n.inputs().contains("pos_add")).mapToInt(n -> indexOf(nodes, n.name())).max().orElseThrow());
        // without the views named, the embedding would be free once the flatten has read it
        assertThat(DramArena.lastReads(g, Set.of()).get("patch_embed")).isEqualTo(indexOf(nodes, "patch_flatten"));
    }

    private static int indexOf(List<Node> nodes, String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }
}
