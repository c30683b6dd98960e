package org.flexiq.compiler.lower;

import java.util.Arrays;

/**
 * Where an int8 tensor's elements lie in DRAM: element (i0, i1, ...) at base + sum(i_d * strides[d]).
 * Transpose, Slice and most Reshapes are new views of the same bytes, so they cost no instructions;
 * a stride of 0 repeats (broadcast).
 *
 * <p>A batched program holds each activation once per image, {@code batchStride} bytes apart; the view is image 0's, and
 * every view derived from it keeps the stride. Constants have stride 0: every image reads the same bytes.
 */
record TensorView(int base, int[] shape, int[] strides, int batchStride) {
    TensorView {
        shape = shape.clone();
        strides = strides.clone();
    }

    TensorView(int base, int[] shape, int[] strides) {
        this(base, shape, strides, 0);
    }

    /** Image b's elements. */
    TensorView image(int b) {
        return new TensorView(base + b * batchStride, shape, strides, batchStride);
    }

    /** The view with a leading dimension over {@code images} images (the program's inputs and outputs). */
    TensorView overImages(int images) {
        int[] sh = new int[rank() + 1];
        int[] st = new int[rank() + 1];
        sh[0] = images;
        st[0] = batchStride;
        System.arraycopy(shape, 0, sh, 1, rank());
        System.arraycopy(strides, 0, st, 1, rank());
        return new TensorView(base, sh, st, batchStride);
    }

    /** Dense storage with dimensions laid out outermost-first in {@code order} (a permutation of the logical dims). */
    static TensorView dense(int base, int[] shape, int[] order) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = order.length - 1; i >= 0; i--) {
            strides[order[i]] = s;
            s *= shape[order[i]];
        }
        return new TensorView(base, shape, strides);
    }

    static int[] identity(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        return p;
    }

    int rank() {
        return shape.length;
    }

    int elements() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Output dim i is input dim perm[i]. */
    TensorView permute(int[] perm) {
        int[] sh = new int[perm.length];
        int[] st = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            sh[i] = shape[perm[i]];
            st[i] = strides[perm[i]];
        }
        return new TensorView(base, sh, st, batchStride);
    }

    TensorView slice(int axis, int start, int end) {
        int[] sh = shape.clone();
        sh[axis] = end - start;
        return new TensorView(base + start * strides[axis], sh, strides, batchStride);
    }

    /** The same elements under a new shape in row-major order, or null when no strides express it. */
    TensorView reshape(int[] newShape) {
        // Size-1 dims carry no stride constraint: drop them, then match groups of old and new dims with equal
        // products; each old group must be one contiguous chain of strides.
        int[] os = Arrays.stream(identity(rank())).filter(d -> shape[d] != 1).map(d -> shape[d]).toArray();
        int[] ot = Arrays.stream(identity(rank())).filter(d -> shape[d] != 1).map(d -> strides[d]).toArray();
        int[] st = new int[newShape.length];
        int i = 0;
        int j = 0;
        while (j < newShape.length) {
            if (newShape[j] == 1) {
                j++;
                continue;
            }
            if (i >= os.length) {
                return null;
            }
            long po = os[i];
            long pn = newShape[j];
            int i2 = i + 1;
            int j2 = j + 1;
            while (po != pn) {
                if (po < pn) {
                    if (i2 >= os.length) {
                        return null;
                    }
                    po *= os[i2++];
                } else {
                    if (j2 >= newShape.length) {
                        return null;
                    }
                    pn *= newShape[j2++];
                }
            }
            for (int d = i; d < i2 - 1; d++) {
                if (ot[d] != (long) os[d + 1] * ot[d + 1]) {
                    return null;
                }
            }
            int inner = ot[i2 - 1];
            for (int d = j2 - 1; d >= j; d--) {
                st[d] = inner;
                inner *= newShape[d];
            }
            i = i2;
            j = j2;
        }
        return i == os.length ? new TensorView(base, newShape, st, batchStride) : null;
    }

    /** Right-aligned numpy broadcast to {@code out}: repeated dims get stride 0. */
    TensorView broadcastTo(int[] out) {
        int[] st = new int[out.length];
        int off = out.length - shape.length;
        for (int d = 0; d < out.length; d++) {
            int src = d - off;
            st[d] = src < 0 || shape[src] == 1 && out[d] != 1 ? 0 : strides[src];
        }
        return new TensorView(base, out, st, batchStride);
    }

    /** Dims sorted by stride, largest first (ties keep logical order): the physical order of this view. */
    int[] physicalOrder() {
        Integer[] idx = new Integer[shape.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Integer.compare(strides[b], strides[a]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** The view as rows x cols: cols = the last dim, rows = the others (size-1 dims dropped, chained dims merged). */
    Rows rows() {
        int r = rank();
        int cols = r == 0 ? 1 : shape[r - 1];
        int colStride = r == 0 ? 1 : strides[r - 1];
        java.util.ArrayList<int[]> dims = new java.util.ArrayList<>();
        for (int d = 0; d < r - 1; d++) {
            if (shape[d] == 1) {
                continue;
            }
            int[] last = dims.isEmpty() ? null : dims.get(dims.size() - 1);
            if (last != null && last[1] == (long) shape[d] * strides[d]) {
                last[0] *= shape[d];
                last[1] = strides[d];
            } else {
                dims.add(new int[]{shape[d], strides[d]});
            }
        }
        return new Rows(base, dims.stream().mapToInt(x -> x[0]).toArray(), dims.stream().mapToInt(x -> x[1]).toArray(), cols, colStride);
    }

    /** A 2-D reading of a view: row r's multi-index over rowShape, then cols elements colStride apart. */
    record Rows(int base, int[] rowShape, int[] rowStrides, int cols, int colStride) {
        int count() {
            int n = 1;
            for (int d : rowShape) {
                n *= d;
            }
            return n;
        }

        long address(int r) {
            long a = base;
            for (int d = rowShape.length - 1; d >= 0; d--) {
                a += (long) (r % rowShape[d]) * rowStrides[d];
                r /= rowShape[d];
            }
            return a;
        }

        /** Rows from r on that are evenly spaced, up to the end of the innermost row dim. */
        int runLength(int r) {
            return rowShape.length == 0 ? 1 : rowShape[rowShape.length - 1] - r % rowShape[rowShape.length - 1];
        }

        /** The same rows {@code bytes} further on (another image's). */
        Rows shifted(int bytes) {
            return new Rows(base + bytes, rowShape, rowStrides, cols, colStride);
        }

        /** These rows of image 0, then image 1's {@code batchStride} bytes on, and so on: one matrix of every image's rows. */
        Rows overImages(int images, int batchStride) {
            if (images == 1) {
                return this;
            }
            if (rowShape.length > 0 && batchStride == (long) rowShape[0] * rowStrides[0]) {
                int[] sh = rowShape.clone();
                sh[0] *= images;
                return new Rows(base, sh, rowStrides, cols, colStride);
            }
            int[] sh = new int[rowShape.length + 1];
            int[] st = new int[rowShape.length + 1];
            sh[0] = images;
            st[0] = batchStride;
            System.arraycopy(rowShape, 0, sh, 1, rowShape.length);
            System.arraycopy(rowStrides, 0, st, 1, rowShape.length);
            return new Rows(base, sh, st, cols, colStride);
        }

        Rows columns(int c0, int n) {
            return new Rows(base + c0 * colStride, rowShape, rowStrides, n, colStride);
        }

        int runStride() {
            return rowShape.length == 0 ? 0 : rowStrides[rowShape.length - 1];
        }
    }
}
