package org.flexiq.compiler.lower;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TensorViewTest {
    private static long at(TensorView v, int... idx) {
        long a = v.base();
        for (int d = 0; d < idx.length; d++) {
            a += (long) idx[d] * v.strides()[d];
        }
        return a;
    }

    @Test
    void channelsLastFeatureMapFlattensAndTransposesIntoTokensWithoutCopies() {
        // ViT patch embedding: [D, h, w] stored channels-last -> Flatten(1) -> [D, hw] -> Transpose -> [hw, D]
        TensorView fm = TensorView.dense(100, new int[]{8, 2, 3}, new int[]{1, 2, 0});
        assertThat(fm.strides()).containsExactly(1, 24, 8);
        TensorView flat = fm.reshape(new int[]{8, 6});
        assertThat(flat).isNotNull();
        assertThat(flat.strides()).containsExactly(1, 8);
        TensorView tokens = flat.permute(new int[]{1, 0});
        assertThat(tokens.strides()).containsExactly(8, 1);
        assertThat(at(tokens, 4, 5)).isEqualTo(at(fm, 5, 1, 1));
    }

    @Test
    void reshapeOfANonContiguousViewIsRefused() {
        TensorView t = TensorView.dense(0, new int[]{4, 6}, new int[]{0, 1}).permute(new int[]{1, 0}); // [6, 4], strides (1, 6)
        assertThat(t.reshape(new int[]{24})).isNull();
        assertThat(t.reshape(new int[]{6, 2, 2})).isNotNull();
        assertThat(t.reshape(new int[]{1, 6, 4, 1}).strides()).containsExactly(0, 1, 6, 0);
    }

    @Test
    void rowsMergeChainedDimsAndRunsFollowTheInnermostRowDim() {
        TensorView heads = TensorView.dense(0, new int[]{5, 3, 4}, new int[]{0, 1, 2}).permute(new int[]{1, 0, 2}); // [3, 5, 4]
        TensorView.Rows r = heads.rows();
        assertThat(r.count()).isEqualTo(15);
        assertThat(r.runLength(7)).isEqualTo(3);
        assertThat(r.runStride()).isEqualTo(12);
        assertThat(r.address(7)).isEqualTo(at(heads, 1, 2, 0));
        TensorView dense = TensorView.dense(0, new int[]{3, 5, 4}, new int[]{0, 1, 2});
        assertThat(dense.rows().rowShape()).containsExactly(15);
    }

    @Test
    void broadcastGivesZeroStrides() {
        TensorView b = TensorView.dense(0, new int[]{1, 8}, new int[]{0, 1}).broadcastTo(new int[]{5, 8});
        assertThat(b.strides()).containsExactly(0, 1);
    }
}
