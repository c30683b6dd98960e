package org.flexiq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON style of `--json` outputs: pretty, keys in insertion order, newline-terminated. */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Json() {
    }

    /** A value as a JSON tree written through its declared type, so polymorphic type ids (a layer's "op") are kept. */
    static <T> JsonNode tree(T value, Class<T> declared) {
        try {
            return MAPPER.readTree(MAPPER.writerFor(declared).writeValueAsBytes(value));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write JSON output", e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON output", e);
        }
    }
}
