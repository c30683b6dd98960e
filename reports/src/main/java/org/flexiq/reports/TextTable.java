package org.flexiq.reports;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for terminals: a header row, aligned columns (numbers right, text left), a rule under
 * the header and optional footer rows under a second rule.
 */
public final class TextTable {
    /** How a column is aligned. */
    public enum Align { LEFT, RIGHT }

    private final List<String> headers;
    private final List<Align> aligns;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<String>> footer = new ArrayList<>();

    public TextTable(List<String> headers, List<Align> aligns) {
        if (headers.size() != aligns.size()) {
            throw new IllegalArgumentException("headers and alignments differ in count: " + headers.size() + " vs " + aligns.size());
        }
        this.headers = List.copyOf(headers);
        this.aligns = List.copyOf(aligns);
    }

    public TextTable row(Object... cells) {
        rows.add(cells(cells));
        return this;
    }

    public TextTable footer(Object... cells) {
        footer.add(cells(cells));
        return this;
    }

    private List<String> cells(Object[] cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table has " + headers.size() + " columns");
        }
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) {
            r.add(c == null ? "" : c.toString());
        }
        return r;
    }

    public String render() {
        int[] width = new int[headers.size()];
        for (List<String> r : all()) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        rule(sb, width);
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        if (!footer.isEmpty()) {
            rule(sb, width);
            for (List<String> r : footer) {
                line(sb, r, width);
            }
        }
        return sb.toString();
    }

    private List<List<String>> all() {
        List<List<String>> all = new ArrayList<>(rows);
        all.add(headers);
        all.addAll(footer);
        return all;
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            if (i > 0) {
                l.append("  ");
            }
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            l.append(aligns.get(i) == Align.RIGHT ? pad + c : c + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static void rule(StringBuilder sb, int[] width) {
        int total = 0;
        for (int w : width) {
            total += w;
        }
        sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
    }
}
