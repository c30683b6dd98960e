package org.flexiq.gpubackend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The comma-separated tables gpu-backend reads (measurements, published figures, plans), committed under
 * org/flexiq/gpubackend/ or written by {@code sim gpu --kernels}: a header that must match, then rows of the header's
 * fields. A missing resource is a broken build, said as such; a malformed line is named by its file and number.
 */
final class CsvRows {
    private CsvRows() {
    }

    /** A committed table's rows, parsed. */
    static <T> List<T> resource(String path, String header, Function<String[], T> row) {
        try (InputStream in = CsvRows.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return read(path, in, header, row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows after {@code header}, each split into the header's fields (the last may hold commas), then parsed. */
    static <T> List<T> read(String name, InputStream in, String header, Function<String[], T> row) throws IOException {
        int fields = header.split(",").length;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        if (!header.equals(r.readLine())) {
            throw new IllegalArgumentException(name + ": line 1: expected the header '" + header + "'");
        }
        List<T> out = new ArrayList<>();
        String line;
        int no = 1;
        while ((line = r.readLine()) != null) {
            no++;
            String[] f = line.split(",", fields);
            T parsed;
            try {
                parsed = f.length == fields ? row.apply(f) : null;
            } catch (NumberFormatException e) {
                parsed = null;
            }
            if (parsed == null) {
                throw new IllegalArgumentException(name + ": line " + no + ": expected " + fields + " comma-separated fields (" + header
                        + "), got '" + line + "'");
            }
            out.add(parsed);
        }
        return out;
    }
}
