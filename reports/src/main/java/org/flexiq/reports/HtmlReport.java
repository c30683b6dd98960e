package org.flexiq.reports;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML page: the charts embedded as PNG data (so the page reads without a server or the
 * files beside it), and tables given as header and rows of text. A script of a few lines records, once the
 * page has loaded, how many of its images decoded and how many script errors occurred
 * ({@code data-images-loaded}, {@code data-images}, {@code data-errors} on the body), which a headless
 * browser test reads back.
 */
public final class HtmlReport {
    private final String title;
    private final List<String> body = new ArrayList<>();

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        body.add("<h2>" + escape(text) + "</h2>");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.add("<p>" + escape(text) + "</p>");
        return this;
    }

    /** A chart: its PNG embedded, with links to its PNG and SVG files (relative to the page). */
    public HtmlReport chart(String caption, byte[] png, String fileStem) {
        body.add("<figure><img alt=\"" + escape(caption) + "\" width=\"1200\" height=\"800\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"><figcaption>" + escape(caption) + " (<a href=\"" + escape(fileStem)
                + ".png\">PNG</a>, <a href=\"" + escape(fileStem) + ".svg\">SVG</a>)</figcaption></figure>");
        return this;
    }

    /** A table; cells that look like numbers are right-aligned. */
    public HtmlReport table(List<String> headers, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table><thead><tr>");
        for (String h : headers) {
            b.append("<th>").append(escape(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            b.append("<tr>");
            for (String c : row) {
                b.append(numeric(c) ? "<td class=\"n\">" : "<td>").append(escape(c)).append("</td>");
            }
            b.append("</tr>");
        }
        body.add(b.append("</tbody></table>").toString());
        return this;
    }

    /** A collapsed section around what is added by {@code content}. */
    public HtmlReport details(String summary, java.util.function.Consumer<HtmlReport> content) {
        body.add("<details><summary>" + escape(summary) + "</summary>");
        content.accept(this);
        body.add("</details>");
        return this;
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1280px;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px}")
                .append("th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append("img{max-width:100%;height:auto;border:1px solid #eee}figure{margin:1.5em 0}summary{cursor:pointer;font-weight:bold}")
                .append("</style></head>\n<body data-images-loaded=\"0\" data-images=\"0\" data-errors=\"0\">\n<h1>").append(escape(title))
                .append("</h1>\n");
        for (String part : body) {
            b.append(part).append('\n');
        }
        b.append("<script>\n")
                .append("window.addEventListener('error', function () { var d = document.body.dataset; d.errors = String(Number(d.errors) + 1); });\n")
                .append("window.addEventListener('load', function () {\n")
                .append("  var imgs = document.images, ok = 0;\n")
                .append("  for (var i = 0; i < imgs.length; i++) { if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; } }\n")
                .append("  document.body.dataset.images = String(imgs.length);\n")
                .append("  document.body.dataset.imagesLoaded = String(ok);\n")
                .append("});\n</script>\n</body></html>\n");
        return b.toString();
    }

    static boolean numeric(String s) {
        return !s.isEmpty() && s.matches("[-+]?[0-9][0-9.,]*\\s*(%|x|us|ms|[kMG]|kB|MB|GB|B)?");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
