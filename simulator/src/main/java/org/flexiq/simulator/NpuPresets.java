package org.flexiq.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The named presets shipped as JSON resources, and NPU config files in the same form. */
public final class NpuPresets {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private NpuPresets() {
    }

    public static List<String> names() {
        try (InputStream in = resource("index.txt")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(line.trim());
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("the preset index is missing from the jar", e);
        }
    }

    /** A preset by name, or a JSON file when {@code nameOrPath} ends in .json. */
    public static NpuConfig load(String nameOrPath) {
        if (nameOrPath.endsWith(".json")) {
            Path p = Path.of(nameOrPath);
            try {
                return parse(p.toString(), Files.readAllBytes(p));
            } catch (IOException e) {
                throw new ConfigException(nameOrPath + ": cannot read (" + e.getMessage() + ")");
            }
        }
        if (!names().contains(nameOrPath)) {
            throw new ConfigException("unknown NPU preset '" + nameOrPath + "'; presets: " + String.join(", ", names())
                    + " (or a .json config file)");
        }
        try (InputStream in = resource(nameOrPath + ".json")) {
            return parse(nameOrPath, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("preset " + nameOrPath + " is missing from the jar", e);
        }
    }

    /**
     * A config from JSON bytes; errors name {@code label}. The energy fields are optional (configs written before
     * them stay valid): a missing one takes the default set, LPDDR4, and FlexiQ's dual-int4 PEs.
     */
    public static NpuConfig parse(String label, byte[] json) {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(json);
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                if (!o.has("energyModel")) {
                    o.put("energyModel", NpuConfig.DEFAULT_ENERGY_MODEL);
                }
                if (!o.has("dramType")) {
                    o.put("dramType", NpuConfig.DEFAULT_DRAM);
                }
                if (!o.has("peType")) {
                    o.put("peType", "dual-int4");
                }
            }
            return JSON.treeToValue(tree, NpuConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(label + ": unknown field '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "" : e.getPath().get(e.getPath().size() - 1).getFieldName() + ": ";
            Throwable cause = e.getCause() instanceof ConfigException c ? c : null;
            throw new ConfigException(label + ": " + (cause != null ? cause.getMessage() : field + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(label + ": malformed JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ConfigException(label + ": " + e.getMessage());
        }
    }

    private static InputStream resource(String name) {
        InputStream in = NpuPresets.class.getResourceAsStream("presets/" + name);
        if (in == null) {
            throw new IllegalStateException("resource presets/" + name + " is missing from the jar");
        }
        return in;
    }
}
