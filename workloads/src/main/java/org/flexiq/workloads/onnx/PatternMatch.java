package org.flexiq.workloads.onnx;

import java.util.Set;

/**
 * A subgraph that exporters emit for one layer of ours: LayerNorm spelled as ReduceMean/Sub/Pow/Sqrt/Div,
 * GELU as Erf, SiLU as Sigmoid times x, a Softmax whose input is first scaled by a constant. The importer skips
 * the covered nodes and emits the layer at the last of them.
 */
sealed interface PatternMatch {
    /** ONNX node indices the pattern replaces. */
    Set<Integer> covered();

    /** The ONNX value the pattern reads. */
    String input();

    /** The ONNX value the pattern produces. */
    String output();

    /** The node after which the layer is emitted (the largest covered index). */
    default int last() {
        return covered().stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** gamma and beta are ONNX value names of known tensors, or null for ones and zeros. */
    record LayerNormMatch(Set<Integer> covered, String input, String output, double eps, String gamma, String beta)
            implements PatternMatch {
    }

    record GeluMatch(Set<Integer> covered, String input, String output) implements PatternMatch {
    }

    record SiluMatch(Set<Integer> covered, String input, String output) implements PatternMatch {
    }

    /** softmax(scale * x); {@code softmax} is the Softmax node (its axis is checked when emitted). */
    record ScaledSoftmaxMatch(Set<Integer> covered, String input, String output, double scale, int softmax)
            implements PatternMatch {
    }
}
