package org.flexiq.simulator.energy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.flexiq.simulator.ConfigException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as mappings, sequences and scalars that remember their line, so that an error in a user's table
 * can name the file, the line and the field. Read from Jackson's YAML token stream.
 */
sealed interface YamlTree {
    int line();

    record Scalar(String text, int line) implements YamlTree {
    }

    record Sequence(List<YamlTree> items, int line) implements YamlTree {
    }

    record Mapping(Map<String, YamlTree> entries, int line) implements YamlTree {
    }

    static YamlTree parse(String file, byte[] yaml) {
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ConfigException(file + ": empty YAML document");
            }
            return read(p, t);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ":" + e.getLocation().getLineNr() + ": malformed YAML (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    private static YamlTree read(JsonParser p, JsonToken t) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        if (t == JsonToken.START_OBJECT) {
            Map<String, YamlTree> m = new LinkedHashMap<>();
            for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                String key = p.currentName();
                m.put(key, read(p, p.nextToken()));
            }
            return new Mapping(m, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<YamlTree> items = new ArrayList<>();
            for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken()) {
                items.add(read(p, k));
            }
            return new Sequence(items, line);
        }
        return new Scalar(t == JsonToken.VALUE_NULL ? null : p.getText(), line);
    }
}
