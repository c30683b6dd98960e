package org.flexiq.isa;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The {@code .npu} container, little-endian: magic {@code NPU1}, u16 version, then sections (4-byte tag, u32
 * length, payload) TGT, LAYR, REGS, TENS, DATA, CODE in that order, then a CRC32 of everything before it.
 * Strings are u16 length + UTF-8. The reader checks every count against the bytes left before allocating.
 */
public final class NpuFile {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'N', 'P', 'U', '1'};

    private NpuFile() {
    }

    public static byte[] write(NpuProgram p) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(MAGIC);
            Le out = new Le(bytes);
            out.u16(VERSION);
            section(out, "TGT ", s -> {
                s.u32(p.target().rows());
                s.u32(p.target().cols());
                s.u32(p.target().scratchpadBytes());
                s.u32(p.target().accumulatorRows());
            });
            section(out, "LAYR", s -> {
                s.u32(p.layers().size());
                for (String l : p.layers()) {
                    s.str(l);
                }
            });
            section(out, "REGS", s -> {
                s.u32(p.profiles().size());
                for (RegisterProfile r : p.profiles()) {
                    s.str(r.name());
                    s.u32(r.values().size());
                    for (Map.Entry<Integer, Integer> e : r.values().entrySet()) {
                        s.u32(e.getKey());
                        s.u32(e.getValue());
                    }
                }
            });
            section(out, "TENS", s -> {
                s.u32(p.tensors().size());
                for (IoTensor t : p.tensors()) {
                    s.str(t.name());
                    s.u8(t.role().ordinal());
                    s.u8(t.int32() ? 1 : 0);
                    s.u32(t.dram());
                    s.u8(t.shape().length);
                    for (int d = 0; d < t.shape().length; d++) {
                        s.u32(t.shape()[d]);
                        s.u32(t.strides()[d]);
                    }
                }
            });
            section(out, "DATA", s -> {
                s.u32(p.dramBytes());
                s.u32(p.data().length);
                s.bytes(p.data());
            });
            section(out, "CODE", s -> s.bytes(p.codeBytes()));
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.u32((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory streams do not fail
        }
    }

    /** Parses a program; {@code label} (the file name) starts every error message. */
    public static NpuProgram read(String label, byte[] file) {
        if (file.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(file, 4), MAGIC)) {
            throw new IsaException(label + ": magic: not an NPU program (expected the bytes 'NPU1')");
        }
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length - 4);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if ((int) crc.getValue() != b.getInt(file.length - 4)) {
            throw new IsaException(label + ": crc: checksum mismatch (the file is corrupt or truncated)");
        }
        b.limit(file.length - 4);
        b.position(4);
        Reader r = new Reader(label, b);
        int version = r.u16("version");
        if (version != VERSION) {
            throw new IsaException(label + ": version: " + version + " is not supported (this reader reads version " + VERSION + ")");
        }
        r.section("TGT ");
        Target target;
        try {
            target = new Target(r.u32("target.rows"), r.u32("target.cols"), r.u32("target.scratchpadBytes"), r.u32("target.accumulatorRows"));
        } catch (IsaException e) {
            throw new IsaException(label + ": target: " + e.getMessage());
        }
        r.section("LAYR");
        List<String> layers = new ArrayList<>();
        for (int i = 0, n = r.count("layers", 2); i < n; i++) {
            layers.add(r.str("layers[" + i + "]"));
        }
        r.section("REGS");
        List<RegisterProfile> profiles = new ArrayList<>();
        for (int i = 0, n = r.count("profiles", 6); i < n; i++) {
            String name = r.str("profiles[" + i + "].name");
            Map<Integer, Integer> values = new LinkedHashMap<>();
            for (int k = 0, m = r.count("profiles[" + i + "].values", 8); k < m; k++) {
                int reg = r.u32("profiles[" + i + "].register");
                if (reg < 0 || reg >= NpuProgram.REGISTERS) {
                    throw new IsaException(label + ": profiles[" + i + "]: register " + reg + " is not in [0, " + NpuProgram.REGISTERS + ")");
                }
                values.put(reg, r.u32("profiles[" + i + "].value"));
            }
            profiles.add(new RegisterProfile(name, values));
        }
        r.section("TENS");
        List<IoTensor> tensors = new ArrayList<>();
        for (int i = 0, n = r.count("tensors", 8); i < n; i++) {
            String f = "tensors[" + i + "]";
            String name = r.str(f + ".name");
            int role = r.u8(f + ".role");
            int int32 = r.u8(f + ".dtype");
            if (role > 1 || int32 > 1) {
                throw new IsaException(label + ": " + f + ": role " + role + " / dtype " + int32 + " is not 0 or 1");
            }
            int dram = r.u32(f + ".dram");
            int rank = r.u8(f + ".rank");
            int[] shape = new int[rank];
            int[] strides = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = r.u32(f + ".shape");
                strides[d] = r.u32(f + ".strides");
                if (shape[d] < 1) {
                    throw new IsaException(label + ": " + f + ".shape: dimension " + shape[d] + " is not positive");
                }
            }
            tensors.add(new IoTensor(name, IoTensor.Role.values()[role], int32 == 1, dram, shape, strides));
        }
        r.section("DATA");
        int dramBytes = r.u32("data.dramBytes");
        int n = r.count("data.bytes", 1);
        if (dramBytes < n) {
            throw new IsaException(label + ": data.dramBytes: " + dramBytes + " is smaller than the image's " + n + " bytes");
        }
        byte[] data = r.bytes(n);
        int codeLength = r.section("CODE");
        List<Instruction> code;
        try {
            code = InstructionCodec.decodeAll(r.bytes(codeLength), b.position());
        } catch (IsaException e) {
            throw new IsaException(label + ": code: " + e.getMessage());
        }
        if (b.hasRemaining()) {
            throw new IsaException(label + ": " + b.remaining() + " unexpected bytes after the code section");
        }
        for (IoTensor t : tensors) {
            for (int i : new int[]{0, t.elements() - 1}) {
                long a = t.address(i);
                if (a < 0 || a + (t.int32() ? 4 : 1) > dramBytes) {
                    throw new IsaException(label + ": tensors." + t.name() + ": element " + i + " at " + a + " is outside DRAM [0, " + dramBytes + ")");
                }
            }
        }
        return new NpuProgram(target, code, layers, profiles, tensors, data, dramBytes);
    }

    private interface Body {
        void write(Le s) throws IOException;
    }

    private static void section(Le out, String tag, Body body) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        body.write(new Le(buf));
        out.bytes(tag.getBytes(StandardCharsets.US_ASCII));
        out.u32(buf.size());
        out.bytes(buf.toByteArray());
    }

    private static final class Le {
        private final DataOutputStream out;

        Le(ByteArrayOutputStream target) {
            out = new DataOutputStream(target);
        }

        void u8(int v) throws IOException {
            out.writeByte(v);
        }

        void u16(int v) throws IOException {
            out.writeByte(v);
            out.writeByte(v >>> 8);
        }

        void u32(int v) throws IOException {
            out.writeInt(Integer.reverseBytes(v));
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
        }

        void str(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xffff) {
                throw new IsaException("name of " + b.length + " bytes is longer than 65535");
            }
            u16(b.length);
            bytes(b);
        }
    }

    private static final class Reader {
        private final String label;
        private final ByteBuffer b;
        private int sectionEnd;

        Reader(String label, ByteBuffer b) {
            this.label = label;
            this.b = b;
            this.sectionEnd = b.limit();
        }

        /** Enters the next section, which must carry {@code tag}; returns its length. */
        int section(String tag) {
            if (b.position() != sectionEnd && sectionEnd != b.limit()) {
                throw new IsaException(label + ": section before " + tag.trim() + ": " + (sectionEnd - b.position()) + " bytes left unread");
            }
            sectionEnd = b.limit();
            byte[] t = bytes(4);
            if (!new String(t, StandardCharsets.US_ASCII).equals(tag)) {
                throw new IsaException(label + ": section: expected '" + tag.trim() + "' at offset " + (b.position() - 4)
                        + ", found '" + new String(t, StandardCharsets.ISO_8859_1).trim() + "'");
            }
            int length = u32(tag.trim() + ".length");
            if (length < 0 || length > b.remaining()) {
                throw new IsaException(label + ": " + tag.trim() + ".length: " + Integer.toUnsignedString(length)
                        + " bytes run past the end of the file");
            }
            sectionEnd = b.position() + length;
            return length;
        }

        int u8(String field) {
            need(1, field);
            return b.get() & 0xff;
        }

        int u16(String field) {
            need(2, field);
            return b.getShort() & 0xffff;
        }

        int u32(String field) {
            need(4, field);
            return b.getInt();
        }

        /** A count of items of at least {@code minBytes} each, checked against the section's bytes left. */
        int count(String field, int minBytes) {
            int n = u32(field);
            if (n < 0 || (long) n * minBytes > sectionEnd - b.position()) {
                throw new IsaException(label + ": " + field + ": count " + Integer.toUnsignedString(n) + " does not fit in the "
                        + (sectionEnd - b.position()) + " bytes left");
            }
            return n;
        }

        String str(String field) {
            int n = u16(field);
            need(n, field);
            return new String(bytes(n), StandardCharsets.UTF_8);
        }

        byte[] bytes(int n) {
            need(n, "data");
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }

        private void need(int n, String field) {
            if (n > sectionEnd - b.position() || n > b.remaining()) {
                throw new IsaException(label + ": " + field + ": truncated (needs " + n + " bytes, " + Math.min(sectionEnd - b.position(), b.remaining()) + " left)");
            }
        }
    }

}
