package org.flexiq.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration files the simulator reads (NPU configs, energy parameters): JSON mapped onto records with every
 * field checked (unknown, missing and null fields are errors), from a shipped resource or a user's file, errors as
 * one line naming the file and the field.
 */
public final class ConfigJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private ConfigJson() {
    }

    /** A user's file, read whole; a read failure names the file. */
    public static byte[] file(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** A resource shipped in the jar beside {@code owner}; its absence is a broken build, not bad input. */
    public static byte[] resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("resource " + name + " cannot be read", e);
        }
    }

    /** The JSON as a tree, for defaults to be filled in before it is mapped. */
    public static JsonNode tree(String label, byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw error(label, e);
        }
    }

    public static <T> T read(String label, byte[] json, Class<T> type) {
        return read(label, tree(label, json), type);
    }

    public static <T> T read(String label, JsonNode tree, Class<T> type) {
        try {
            return JSON.treeToValue(tree, type);
        } catch (IOException e) {
            throw error(label, e);
        }
    }

    private static ConfigException error(String label, IOException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return new ConfigException(label + ": unknown field '" + path(u) + "'");
        }
        if (e instanceof JsonMappingException m && m.getOriginalMessage() != null && m.getOriginalMessage().startsWith("Missing creator property")) {
            // a file written for an older version, without a field added since, for one
            return new ConfigException(label + ": field '" + path(m) + "' is missing");
        }
        if (e instanceof JsonMappingException m) {
            // a record's own check (a ConfigException) says best what is wrong
            Throwable cause = m.getCause() instanceof ConfigException c ? c : null;
            return new ConfigException(label + ": " + (cause != null ? cause.getMessage() : path(m) + ": " + m.getOriginalMessage()));
        }
        if (e instanceof JsonProcessingException p) {
            return new ConfigException(label + ": malformed JSON at line " + (p.getLocation() == null ? "?" : p.getLocation().getLineNr())
                    + " (" + p.getOriginalMessage() + ")");
        }
        return new ConfigException(label + ": " + e.getMessage());
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            b.append(b.length() > 0 ? "." : "").append(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
        }
        return b.toString();
    }
}
