package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Binary16;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes an ONNX {@code TensorProto} (raw little-endian bytes, the typed repeated fields, or an external data
 * file beside the model) into a {@link ConstTensor}. Errors name the tensor and say what was expected.
 */
final class TensorDecoder {
    // TensorProto.DataType numbers, from onnx.proto
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8,
            BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

    private final Path modelDir;

    /** @param modelDir where external data locations are resolved; null when the model has no file */
    TensorDecoder(Path modelDir) {
        this.modelDir = modelDir;
    }

    ConstTensor decode(TensorProto t, String what) throws TensorFormatException {
        int[] dims = new int[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new TensorFormatException(what + ": dims[" + i + "] is " + d + ", expected 0.." + Integer.MAX_VALUE);
            }
            dims[i] = (int) d;
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new TensorFormatException(what + ": more than 2^31 elements");
            }
        }
        int n = (int) count;
        int type = t.getDataType();
        ByteString raw = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL ? external(t, what) : t.getRawData();
        if (!raw.isEmpty() || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return fromRaw(raw, type, dims, n, what).withType(type);
        }
        return fromTyped(t, type, dims, n, what).withType(type);
    }

    private ConstTensor fromRaw(ByteString raw, int type, int[] dims, int n, String what) throws TensorFormatException {
        int width = width(type, what);
        if ((long) n * width != raw.size()) {
            throw new TensorFormatException(what + ": raw_data holds " + raw.size() + " bytes, expected " + (long) n * width
                    + " for " + n + " elements of type " + type);
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT: {
                float[] f = new float[n];
                b.asFloatBuffer().get(f);
                return ConstTensor.ofFloats(dims, f);
            }
            case DOUBLE: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) b.getDouble(i * 8);
                }
                return ConstTensor.ofFloats(dims, f);
            }
            case FLOAT16:
            case BFLOAT16: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = sixteenBit(b.getShort(i * 2) & 0xffff, type);
                }
                return ConstTensor.ofFloats(dims, f);
            }
            default: {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = switch (type) {
                        case INT8 -> b.get(i);
                        case UINT8, BOOL -> b.get(i) & 0xff;
                        case INT16 -> b.getShort(i * 2);
                        case UINT16 -> b.getShort(i * 2) & 0xffff;
                        case INT32 -> b.getInt(i * 4);
                        case UINT32 -> b.getInt(i * 4) & 0xffffffffL;
                        default -> b.getLong(i * 8); // INT64, UINT64 (values past 2^63 are not shapes we use)
                    };
                }
                return ConstTensor.ofLongs(dims, l);
            }
        }
    }

    private ConstTensor fromTyped(TensorProto t, int type, int[] dims, int n, String what) throws TensorFormatException {
        int have = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> throw new TensorFormatException(what + ": string tensors are not supported (numeric types only)");
            default -> {
                width(type, what);
                yield t.getInt32DataCount();
            }
        };
        if (have != n) {
            throw new TensorFormatException(what + ": holds " + have + " values, expected " + n + " for its dims");
        }
        switch (type) {
            case FLOAT: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = t.getFloatData(i);
                }
                return ConstTensor.ofFloats(dims, f);
            }
            case DOUBLE: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) t.getDoubleData(i);
                }
                return ConstTensor.ofFloats(dims, f);
            }
            case FLOAT16:
            case BFLOAT16: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = sixteenBit(t.getInt32Data(i) & 0xffff, type);
                }
                return ConstTensor.ofFloats(dims, f);
            }
            default: {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = switch (type) {
                        case INT64 -> t.getInt64Data(i);
                        case UINT32, UINT64 -> t.getUint64Data(i);
                        default -> t.getInt32Data(i);
                    };
                }
                return ConstTensor.ofLongs(dims, l);
            }
        }
    }

    private static int width(int type, String what) throws TensorFormatException {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
            case FLOAT, INT32, UINT32 -> 4;
            case INT64, UINT64, DOUBLE -> 8;
            default -> throw new TensorFormatException(what + ": data_type " + type
                    + " is not supported (float, double, float16, bfloat16, int8..int64, uint8..uint64, bool)");
        };
    }

    /** A float16 or bfloat16 value from its 16 bits. */
    private static float sixteenBit(int bits, int type) {
        return type == FLOAT16 ? Binary16.toFloat(bits) : Float.intBitsToFloat(bits << 16);
    }

    /** The bytes of an external-data tensor: location (relative, inside the model's folder), offset, length. */
    private ByteString external(TensorProto t, String what) throws TensorFormatException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { } // checksum and future keys are advisory
                }
            } catch (NumberFormatException ex) {
                throw new TensorFormatException(what + ": external_data " + e.getKey() + " is '" + e.getValue() + "', expected an integer");
            }
        }
        if (location == null || location.isEmpty()) {
            throw new TensorFormatException(what + ": external_data has no location");
        }
        if (modelDir == null) {
            throw new TensorFormatException(what + ": external data needs the model's folder");
        }
        Path file = modelDir.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || !file.startsWith(modelDir.normalize())) {
            throw new TensorFormatException(what + ": external_data location '" + location + "' is outside the model's folder");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (length < 0) {
                length = size - offset;
            }
            if (offset < 0 || length < 0 || offset + length > size || length > Integer.MAX_VALUE - 8) {
                throw new TensorFormatException(what + ": external_data offset " + offset + " + length " + length
                        + " is past the end of " + file + " (" + size + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new TensorFormatException(what + ": " + file + " ended early");
                }
            }
            buf.flip();
            return ByteString.copyFrom(buf);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new TensorFormatException(what + ": external data file " + file + " does not exist");
            }
            throw new TensorFormatException(what + ": cannot read external data " + file + ": " + e.getMessage());
        }
    }

    /** A tensor that cannot be decoded; the importer adds the file. */
    static final class TensorFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        TensorFormatException(String message) {
            super(message);
        }
    }
}
