package org.flexiq.workloads.flx;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.flexiq.workloads.ir.DType;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Int32Tensor;
import org.flexiq.workloads.ir.Int8Tensor;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads and checks a .flx file. Anything malformed is an {@link FlxFormatException} naming the file and the
 * field; every length is checked against the file's size before anything is allocated for it.
 */
public final class FlxReader {
    private FlxReader() {
    }

    public static FlxFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString(), null, "no such file");
            }
            throw new FlxFormatException(file, "file", "not a regular file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch.size(), (position, length) -> readAt(ch, position, length));
        }
    }

    /** Reads a .flx held in memory (a model shipped as a resource); {@code label} names it in errors. */
    public static FlxFile read(String label, byte[] bytes) throws IOException {
        return read(Path.of(label), bytes.length,
                (position, length) -> ByteBuffer.wrap(bytes, (int) position, length).slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Positional reads of exactly {@code length} bytes, checked against the size by the caller. */
    @FunctionalInterface
    private interface Bytes {
        ByteBuffer readAt(long position, int length) throws IOException;
    }

    private static FlxFile read(Path file, long size, Bytes ch) throws IOException {
        if (size < FlxFormat.PREAMBLE_BYTES) {
            throw new FlxFormatException(file, "preamble", "truncated: the file is " + size + " bytes, the preamble alone needs " + FlxFormat.PREAMBLE_BYTES);
        }
        ByteBuffer pre = ch.readAt(0, FlxFormat.PREAMBLE_BYTES);
        byte[] magic = new byte[4];
        pre.get(magic);
        if (!Arrays.equals(magic, FlxFormat.MAGIC)) {
            throw new FlxFormatException(file, "magic", "expected \"FLX1\", found " + printable(magic) + ": not a .flx file");
        }
        int version = pre.getInt();
        if (version < FlxFormat.MIN_READ_VERSION || version > FlxFormat.VERSION_QUANTIZED) {
            throw new FlxFormatException(file, "version", "the file is .flx version " + Integer.toUnsignedString(version)
                    + "; this reader reads versions " + FlxFormat.MIN_READ_VERSION + " to " + FlxFormat.VERSION_QUANTIZED
                    + (Integer.compareUnsigned(version, FlxFormat.VERSION_QUANTIZED) > 0 ? " (a newer sim is needed)" : ""));
        }
        long headerLen = Integer.toUnsignedLong(pre.getInt());
        long headerCrc = Integer.toUnsignedLong(pre.getInt());
        if (headerLen == 0 || headerLen > FlxFormat.MAX_HEADER_BYTES || FlxFormat.PREAMBLE_BYTES + headerLen > size) {
            throw new FlxFormatException(file, "header length", headerLen + " bytes does not fit: the file is " + size
                    + " bytes and a header may be at most " + FlxFormat.MAX_HEADER_BYTES);
        }
        ByteBuffer headerBuf = ch.readAt(FlxFormat.PREAMBLE_BYTES, (int) headerLen);
        byte[] json = new byte[(int) headerLen];
        headerBuf.get(json);
        CRC32 crc = new CRC32();
        crc.update(json);
        if (crc.getValue() != headerCrc) {
            throw new FlxFormatException(file, "header CRC32", String.format("stored %08x, computed %08x: the header is corrupt", headerCrc, crc.getValue()));
        }
        FlxHeader header;
        JsonNode quantization = null;
        if (version == FlxFormat.VERSION_QUANTIZED) {
            FlxHeader.Quantized q = parseHeader(file, json, FlxHeader.Quantized.class);
            header = new FlxHeader(q.graph(), q.tensors(), q.metadata());
            quantization = q.quantization();
            if (quantization == null || !quantization.isObject()) {
                throw new FlxFormatException(file, "quantization", "a version-2 file needs a quantization object");
            }
        } else {
            header = parseHeader(file, json, FlxHeader.class);
        }
        Graph graph;
        try {
            graph = header.graph().toGraph();
        } catch (IrException e) {
            throw new FlxFormatException(file, "graph." + firstWord(e.getMessage()), rest(e.getMessage()));
        }
        long dataStart = FlxFormat.align(FlxFormat.PREAMBLE_BYTES + headerLen);
        long dataBytes = size - Math.min(size, dataStart);
        checkTable(file, header.tensors(), dataBytes);
        // no CRC covers the alignment padding: the writers fill it with zeros, so anything else is damage
        zeros(file, ch, FlxFormat.PREAMBLE_BYTES + headerLen, Math.min(size, dataStart), "header padding");
        gaps(file, ch, dataStart, header.tensors(), dataBytes);
        if (quantization == null) {
            checkParams(file, graph, header.tensors());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < header.tensors().size(); i++) {
            FlxTensorEntry e = header.tensors().get(i);
            tensors.put(e.name(), load(file, ch, dataStart, e, "tensors[" + i + "] '" + e.name() + "'"));
        }
        if (header.metadata() != null) {
            for (Map.Entry<String, String> m : header.metadata().entrySet()) {
                if (m.getValue() == null) {
                    throw new FlxFormatException(file, "metadata." + m.getKey(), "expected a string, got null");
                }
            }
        }
        Model model = new Model(graph, new MapTensorSource(tensors), header.metadata());
        return new FlxFile(file, version, size, (int) headerLen, model, header.tensors(), quantization);
    }

    private static <T> T parseHeader(Path file, byte[] json, Class<T> type) throws FlxFormatException {
        try {
            T header = FlxFormat.mapper().readValue(json, type);
            if (header == null) {
                // the JSON literal null maps to no object at all, not to an error
                throw new FlxFormatException(file, "header", "expected a JSON object with the fields graph, tensors and metadata"
                        + (type == FlxHeader.Quantized.class ? " and quantization" : "") + ", found null");
            }
            return header;
        } catch (FlxFormatException e) {
            throw e;
        } catch (InvalidTypeIdException e) {
            throw new FlxFormatException(file, path(e), "unknown layer kind '" + e.getTypeId() + "'");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new FlxFormatException(file, path(e), oneLine(cause.getMessage()));
        } catch (JsonMappingException e) {
            if (e.getPath().isEmpty()) {
                throw new FlxFormatException(file, "header", "expected a JSON object with the fields graph, tensors and metadata"
                        + (type == FlxHeader.Quantized.class ? " and quantization" : ""));
            }
            // a value of the wrong JSON type (not a missing one): say what the field takes, not which Java type failed
            if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null
                    && (String.valueOf(e.getOriginalMessage()).startsWith("Cannot deserialize")
                    || String.valueOf(e.getOriginalMessage()).startsWith("Cannot construct instance"))) {
                throw new FlxFormatException(file, path(e), "expected " + describe(m.getTargetType()) + got(e.getOriginalMessage()));
            }
            // Jackson names our classes with their packages; a user needs only the simple name.
            String msg = oneLine(e.getOriginalMessage()).replaceAll("`(?:[a-z0-9_]+\\.)+(?:[A-Za-z0-9_]+\\$)?([A-Za-z0-9_]+)`", "`$1`");
            throw new FlxFormatException(file, path(e), msg);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new FlxFormatException(file, "header", "malformed JSON" + where + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new FlxFormatException(file, "header", oneLine(e.getMessage()));
        }
    }

    /** The bytes between tensors (each table entry's end to the next offset, and after the last) must be zero padding. */
    private static void gaps(Path file, Bytes ch, long dataStart, List<FlxTensorEntry> table, long dataBytes) throws IOException {
        List<FlxTensorEntry> byOffset = new java.util.ArrayList<>(table);
        byOffset.sort(java.util.Comparator.comparingLong(FlxTensorEntry::offset));
        long end = 0;
        for (FlxTensorEntry e : byOffset) {
            if (e.offset() > end) {
                zeros(file, ch, dataStart + end, dataStart + e.offset(), "padding before tensor '" + e.name() + "'");
            }
            end = Math.max(end, e.offset() + e.length());
        }
        zeros(file, ch, dataStart + end, dataStart + dataBytes, "padding after the last tensor");
    }

    private static void zeros(Path file, Bytes ch, long from, long to, String field) throws IOException {
        for (long at = from; at < to; ) {
            int n = (int) Math.min(to - at, 1 << 16);
            ByteBuffer b = ch.readAt(at, n);
            for (int i = 0; i < n; i++) {
                byte v = b.get(i);
                if (v != 0) {
                    throw new FlxFormatException(file, field, String.format("expected zero bytes in [%d, %d), found 0x%02x at offset %d", from, to, v & 0xff,
                            at + i));
                }
            }
            at += n;
        }
    }

    /** What a header field of this Java type holds, in a user's words. */
    private static String describe(Class<?> type) {
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        } else if (java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        } else if (type == String.class) {
            return "a string";
        } else if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        } else if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        } else if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object (" + type.getSimpleName() + ")";
    }

    /** ", got a string" from Jackson's "... from String value ...", or nothing when it says no more. */
    private static String got(String jacksonMessage) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("from ([A-Za-z]+) value").matcher(jacksonMessage == null ? "" : jacksonMessage);
        if (!m.find()) {
            return "";
        }
        String what = m.group(1).toLowerCase(java.util.Locale.ROOT);
        return ", got " + (what.equals("integer") ? "an integer" : what.equals("array") ? "a list" : what.equals("object") ? "an object"
                : what.equals("string") ? "a string" : what.equals("boolean") ? "true or false" : "a " + what);
    }

    private static void checkTable(Path file, List<FlxTensorEntry> table, long dataBytes) throws FlxFormatException {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < table.size(); i++) {
            FlxTensorEntry e = table.get(i);
            String f = "tensors[" + i + "]";
            if (e == null) {
                throw new FlxFormatException(file, f, "expected a tensor entry (name, dtype, shape, offset, bytes), got null");
            }
            if (e.name() == null || e.name().isEmpty() || !names.add(e.name())) {
                throw new FlxFormatException(file, f + ".name", e.name() == null || e.name().isEmpty() ? "missing" : "duplicate name '" + e.name() + "'");
            }
            f += " '" + e.name() + "'";
            DType t = DType.byId(e.dtype());
            if (t == null) {
                throw new FlxFormatException(file, f + ".dtype", "unknown dtype '" + e.dtype() + "', expected one of f32, i8, i32");
            }
            long expected = (long) e.shape().elementCount() * t.bytesPerElement();
            if (e.length() != expected) {
                throw new FlxFormatException(file, f + ".length", e.length() + " bytes, but shape " + e.shape() + " of " + e.dtype() + " needs " + expected);
            }
            if (e.offset() < 0 || e.offset() % FlxFormat.ALIGNMENT != 0) {
                throw new FlxFormatException(file, f + ".offset", e.offset() + " is not a non-negative multiple of " + FlxFormat.ALIGNMENT);
            }
            if (e.offset() > dataBytes || e.length() > dataBytes - e.offset()) {
                throw new FlxFormatException(file, f + ".offset", "data at " + e.offset() + ".." + (e.offset() + e.length())
                        + " runs past the end of the data section (" + dataBytes + " bytes): the file is truncated or the table corrupt");
            }
        }
        List<FlxTensorEntry> byOffset = new ArrayList<>(table);
        byOffset.sort(Comparator.comparingLong(FlxTensorEntry::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            FlxTensorEntry a = byOffset.get(i - 1);
            FlxTensorEntry b = byOffset.get(i);
            if (a.offset() + a.length() > b.offset()) {
                throw new FlxFormatException(file, "tensors '" + b.name() + "'.offset", "overlaps the data of '" + a.name() + "'");
            }
        }
    }

    private static void checkParams(Path file, Graph graph, List<FlxTensorEntry> table) throws FlxFormatException {
        Map<String, FlxTensorEntry> byName = new LinkedHashMap<>();
        for (FlxTensorEntry e : table) {
            byName.put(e.name(), e);
        }
        for (Map.Entry<String, ParamSpec> p : graph.paramTensors().entrySet()) {
            FlxTensorEntry e = byName.get(p.getKey());
            if (e == null) {
                throw new FlxFormatException(file, "tensors", "parameter '" + p.getKey() + "' of the graph is missing");
            }
            if (!e.shape().equals(p.getValue().shape())) {
                throw new FlxFormatException(file, "tensors '" + e.name() + "'.shape", e.shape() + ", but the graph needs " + p.getValue().shape());
            }
            if (!DType.F32.id().equals(e.dtype())) {
                throw new FlxFormatException(file, "tensors '" + e.name() + "'.dtype", e.dtype() + ", but graph parameters are f32");
            }
        }
    }

    private static Tensor load(Path file, Bytes ch, long dataStart, FlxTensorEntry e, String field) throws IOException {
        ByteBuffer b = ch.readAt(dataStart + e.offset(), (int) e.length());
        CRC32 crc = new CRC32();
        crc.update(b.duplicate());
        if (crc.getValue() != e.crc32()) {
            throw new FlxFormatException(file, field + ".crc32", String.format("stored %08x, computed %08x: the tensor data is corrupt", e.crc32(), crc.getValue()));
        }
        DType t = DType.byId(e.dtype());
        int n = e.shape().elementCount();
        switch (t) {
            case F32: {
                float[] f = new float[n];
                b.asFloatBuffer().get(f);
                // a NaN or infinite weight would run silently through every path: refuse it here, by name
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(f[i])) {
                        throw new FlxFormatException(file, field, "element " + i + " of '" + e.name() + "' is " + f[i]
                                + ": tensors must hold finite numbers");
                    }
                }
                return new FloatTensor(e.shape(), f);
            }
            case I8: {
                byte[] d = new byte[n];
                b.get(d);
                return new Int8Tensor(e.shape(), d);
            }
            default: {
                int[] d = new int[n];
                b.asIntBuffer().get(d);
                return new Int32Tensor(e.shape(), d);
            }
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "header" : sb.toString();
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String firstWord(String s) {
        int colon = s.indexOf(": ");
        return colon < 0 ? "" : s.substring(0, colon);
    }

    private static String rest(String s) {
        int colon = s.indexOf(": ");
        return colon < 0 ? s : s.substring(colon + 2);
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            sb.append(x >= 32 && x < 127 ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return sb.append('"').toString();
    }
}
