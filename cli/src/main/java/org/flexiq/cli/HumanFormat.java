package org.flexiq.cli;

import java.util.Locale;

/** Number formats for people: SI-scaled counts and byte sizes. Machine output (--json) uses raw values. */
final class HumanFormat {
    private HumanFormat() {
    }

    /** 25557032 -> "25.56 M"; below a thousand the plain number. */
    static String count(long n) {
        String[] units = {"", " k", " M", " G", " T"};
        double v = n;
        int u = 0;
        while (Math.abs(v) >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? Long.toString(n) : String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }

    /** 102228128 -> "102.2 MB" (decimal units). */
    static String bytes(long n) {
        String[] units = {" B", " kB", " MB", " GB", " TB"};
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
