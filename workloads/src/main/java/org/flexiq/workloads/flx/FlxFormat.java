package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Constants of the .flx layout (see workloads/README.md):
 * <pre>
 *   0  "FLX1"                      magic
 *   4  u32 version (1: float model; 2: quantized model)
 *   8  u32 header length (bytes)
 *  12  u32 CRC-32 of the header
 *  16  header: UTF-8 JSON
 *      zero padding to a multiple of 64
 *      data section: tensors at 64-byte aligned offsets, little-endian
 * </pre>
 */
public final class FlxFormat {
    public static final byte[] MAGIC = {'F', 'L', 'X', '1'};
    /** Version this code writes for float models. */
    public static final int VERSION = 1;
    /** Version of quantized models: version 1 plus a "quantization" header section and integer tensors. */
    public static final int VERSION_QUANTIZED = 2;
    /** Oldest version this code reads. */
    public static final int MIN_READ_VERSION = 1;
    public static final int PREAMBLE_BYTES = 16;
    public static final int ALIGNMENT = 64;
    /** A header larger than this is refused before it is read: no untrusted length makes us allocate. */
    public static final int MAX_HEADER_BYTES = 64 << 20;

    private FlxFormat() {
    }

    public static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** The mapper for headers: strict on read (unknown or missing fields are errors), stable order on write. */
    static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
    }
}
