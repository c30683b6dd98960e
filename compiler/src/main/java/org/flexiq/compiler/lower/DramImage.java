package org.flexiq.compiler.lower;

import java.util.ArrayList;
import java.util.List;

/**
 * The program's initial DRAM contents (weights, bias, multipliers, tables), 64-byte aligned blobs from address 0.
 * Blobs are kept as given and copied once into the image; a timing-only model's all-zero blobs are only reserved.
 */
final class DramImage {
    private static final int ALIGN = 64;
    private final List<byte[]> blobs = new ArrayList<>();
    private final List<Integer> at = new ArrayList<>();
    private long size;

    int put(byte[] blob) {
        int a = reserve(blob.length);
        blobs.add(blob);
        at.add(a);
        return a;
    }

    /** {@code n} zero bytes: what a blob of zeros would take, without building it. */
    int reserve(long n) {
        long a = (size + ALIGN - 1) / ALIGN * ALIGN;
        if (a + n > Integer.MAX_VALUE - ALIGN) {
            throw new InfeasibleException("the model's constants need more than 2 GiB of DRAM");
        }
        size = a + n;
        return (int) a;
    }

    int putInts(int[] v) {
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (v[i] >>> (8 * k));
            }
        }
        return put(b);
    }

    int size() {
        return (int) size;
    }

    byte[] bytes() {
        byte[] image = new byte[(int) size];
        for (int i = 0; i < blobs.size(); i++) {
            System.arraycopy(blobs.get(i), 0, image, at.get(i), blobs.get(i).length);
        }
        return image;
    }
}
