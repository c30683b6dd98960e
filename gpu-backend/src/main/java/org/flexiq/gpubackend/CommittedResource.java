package org.flexiq.gpubackend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A table committed under org/flexiq/gpubackend/ (measurements, published figures, plans) and read from the jar: a missing
 * file is a broken build, said as such; a malformed line is named by its file and number.
 */
final class CommittedResource {
    /** Reads an opened resource; {@code path} names it in errors. */
    interface Parser<T> {
        T parse(String path, InputStream in) throws IOException;
    }

    private CommittedResource() {
    }

    static <T> T read(String path, Parser<T> parser) {
        try (InputStream in = CommittedResource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return parser.parse(path, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines after a header that must be {@code header}, each split into the header's fields (the last may hold commas). */
    static List<String[]> rows(String path, String header) {
        int fields = header.split(",").length;
        return read(path, (name, in) -> {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            if (!header.equals(r.readLine())) {
                throw new IllegalArgumentException(name + ": line 1: expected '" + header + "'");
            }
            List<String[]> out = new ArrayList<>();
            String line;
            int no = 1;
            while ((line = r.readLine()) != null) {
                no++;
                String[] f = line.split(",", fields);
                if (f.length != fields) {
                    throw new IllegalArgumentException(name + ": line " + no + ": expected " + fields + " comma-separated fields (" + header
                            + "), got '" + line + "'");
                }
                out.add(f);
            }
            return out;
        });
    }
}
