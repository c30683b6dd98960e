package org.flexiq.compiler.lower;

import java.io.ByteArrayOutputStream;

/** The program's initial DRAM contents (weights, bias, multipliers, tables), 64-byte aligned blobs from address 0. */
final class DramImage {
    private static final int ALIGN = 64;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int put(byte[] blob) {
        while (bytes.size() % ALIGN != 0) {
            bytes.write(0);
        }
        int at = bytes.size();
        bytes.writeBytes(blob);
        return at;
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
        return bytes.size();
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }
}
