package org.flexiq.reports;

/** One CSV field as RFC 4180 writes it: quoted, with quotes doubled, only where it holds a comma, a quote or a line break. */
public final class CsvField {
    private CsvField() {
    }

    public static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
