package org.flexiq.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A SCALE-Sim v2 {@code .cfg} file: the fields that shape its compute model. It is an INI file read as
 * Python's configparser reads it (sections in brackets, {@code key: value} or {@code key = value}, keys
 * case-insensitive, {@code #} and {@code ;} comment lines); the few lines of parsing are written here so
 * that every error names the file, the line and the field, which no INI library on the dependency list does.
 *
 * @param bandwidthWordsPerCycle {@code Bandwidth} in USER mode (one-byte words per cycle); 0 in CALC mode,
 *                               where SCALE-Sim computes the bandwidth that avoids stalls
 * @param v3                     a SCALE-Sim v3 config (it has v3's UseRamulatorTrace or a [layout] section, which v3
 *                               requires): its reports are written in v3's form
 */
public record ScaleSimConfig(String file, String runName, int arrayHeight, int arrayWidth, int ifmapSramKB, int filterSramKB,
                             int ofmapSramKB, String dataflow, boolean userBandwidth, int bandwidthWordsPerCycle, boolean v3) {

    /** The largest array side an {@link NpuConfig} takes. */
    private static final int MAX_ARRAY = 4096;

    public static ScaleSimConfig read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public static ScaleSimConfig parse(String file, List<String> lines) {
        Map<String, String[]> values = new HashMap<>(); // "section.key" -> {value, line}
        Map<String, Integer> sectionLines = new java.util.LinkedHashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new ConfigException(file + ":" + (i + 1) + ": section header '" + line + "' has no closing ']'");
                }
                section = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
                sectionLines.putIfAbsent(section, i + 1);
                continue;
            }
            int colon = line.indexOf(':');
            int eq = line.indexOf('=');
            int sep = colon < 0 ? eq : eq < 0 ? colon : Math.min(colon, eq);
            if (sep <= 0) {
                throw new ConfigException(file + ":" + (i + 1) + ": expected 'key: value' or 'key = value', got '" + line + "'");
            }
            if (section == null) {
                throw new ConfigException(file + ":" + (i + 1) + ": '" + line.substring(0, sep).strip() + "' comes before any [section]");
            }
            values.put(section + "." + line.substring(0, sep).strip().toLowerCase(Locale.ROOT),
                    new String[]{line.substring(sep + 1).strip(), String.valueOf(i + 1)});
        }
        Fields f = new Fields(file, values);
        checkScaleSimV3(f, values, sectionLines);
        String dataflow = f.text("architecture_presets", "Dataflow").toLowerCase(Locale.ROOT);
        if (!dataflow.equals("ws")) {
            throw new ConfigException(f.at("architecture_presets", "Dataflow") + ": Dataflow: '" + dataflow + "' is not supported: the FlexiQ NPU "
                    + "is weight stationary (ws); output- and input-stationary (os, is) arrays are another machine");
        }
        String mode = f.text("run_presets", "InterfaceBandwidth").toUpperCase(Locale.ROOT);
        if (!mode.equals("USER") && !mode.equals("CALC")) {
            throw new ConfigException(f.at("run_presets", "InterfaceBandwidth") + ": InterfaceBandwidth: expected USER or CALC, got '" + mode + "'");
        }
        boolean user = mode.equals("USER");
        int bw = 0;
        if (user) {
            String text = f.text("architecture_presets", "Bandwidth");
            String[] parts = text.split(",");
            bw = Integer.MAX_VALUE;
            for (String p : parts) {
                bw = Math.min(bw, f.positive("architecture_presets", "Bandwidth", p.strip()));
            }
        }
        String run = values.containsKey("general.run_name") ? values.get("general.run_name")[0] : Path.of(file).getFileName().toString();
        int rows = f.positive("architecture_presets", "ArrayHeight");
        int cols = f.positive("architecture_presets", "ArrayWidth");
        for (String key : new String[]{"ArrayHeight", "ArrayWidth"}) {
            int v = key.equals("ArrayHeight") ? rows : cols;
            if (v > MAX_ARRAY) {
                throw new ConfigException(f.at("architecture_presets", key) + ": " + key + ": " + v + " is past the " + MAX_ARRAY
                        + " PEs a side the NPU model takes");
            }
        }
        return new ScaleSimConfig(file, run, rows, cols,
                f.positive("architecture_presets", "IfmapSramSzkB"), f.positive("architecture_presets", "FilterSramSzkB"),
                f.positive("architecture_presets", "OfmapSramSzkB"), dataflow, user, bw,
                values.containsKey("run_presets.useramulatortrace") || sectionLines.containsKey("layout"));
    }

    /** SCALE-Sim v2's sections and those v3 adds ([layout], [sparsity]); [network_presets] names a topology, given here by --topology. */
    private static final java.util.Set<String> SECTIONS = java.util.Set.of("general", "architecture_presets", "run_presets", "network_presets",
            "layout", "sparsity");

    /**
     * SCALE-Sim v3's additions, honoured where they change nothing the NPU models and refused in one line where they would:
     * ReadRequestBuffer and WriteRequestBuffer size Ramulator's request queues, and the [layout] banks matter only with a
     * custom layout, so both are accepted and unused; a custom layout (SRAM bank conflicts), sparsity support (sparse
     * mappings) and Ramulator traces (a cycle-level DRAM) are refused. Values are read as v3 reads them: UseRamulatorTrace
     * is on only when exactly "True", SparsitySupport when "true" in any case, the custom layouts as configparser booleans.
     */
    private static void checkScaleSimV3(Fields f, Map<String, String[]> values, Map<String, Integer> sectionLines) {
        for (Map.Entry<String, Integer> s : sectionLines.entrySet()) {
            if (!SECTIONS.contains(s.getKey())) {
                throw new ConfigException(f.file() + ":" + s.getValue() + ": [" + s.getKey() + "]: not a section of SCALE-Sim v2 or v3 (expected one of "
                        + "general, architecture_presets, run_presets, network_presets, layout, sparsity)");
            }
        }
        String[] ramulator = values.get("run_presets.useramulatortrace");
        if (ramulator != null && ramulator[0].equals("True")) {
            throw new ConfigException(f.file() + ":" + ramulator[1] + ": [run_presets] UseRamulatorTrace: True is not modelled (Ramulator's "
                    + "cycle-level DRAM); set it to False (then SCALE-Sim v3 uses its own memory model, as here)");
        }
        String[] sparsity = values.get("sparsity.sparsitysupport");
        if (sparsity != null && sparsity[0].equalsIgnoreCase("true")) {
            throw new ConfigException(f.file() + ":" + sparsity[1] + ": [sparsity] SparsitySupport: true is not modelled (SCALE-Sim v3's sparse "
                    + "mappings); set it to false");
        }
        for (String key : new String[]{"IfmapCustomLayout", "FilterCustomLayout"}) {
            String[] v = values.get("layout." + key.toLowerCase(Locale.ROOT));
            if (v == null) {
                continue;
            }
            String b = v[0].toLowerCase(Locale.ROOT);
            if (b.equals("1") || b.equals("yes") || b.equals("true") || b.equals("on")) {
                throw new ConfigException(f.file() + ":" + v[1] + ": [layout] " + key + ": " + v[0] + " is not modelled (SCALE-Sim v3's SRAM bank "
                        + "layouts and their conflicts); set it to False");
            }
            if (!(b.equals("0") || b.equals("no") || b.equals("false") || b.equals("off"))) {
                throw new ConfigException(f.file() + ":" + v[1] + ": [layout] " + key + ": expected a boolean (True or False), got '" + v[0] + "'");
            }
        }
    }

    /**
     * The NPU with SCALE-Sim's accounting (the {@code scalesim-compatible} preset: no weight double-buffering)
     * and this file's array. Memory: ideal in CALC mode; in USER mode DRAM moves {@code Bandwidth} bytes per
     * cycle without latency. The SRAMs are sized to hold a layer's operands whole ({@code accumulatorRows} output
     * rows, {@code scratchpadBytes}) because SCALE-Sim's compute cycles stream each fold's M rows at once
     * whatever its SRAM sizes, which only shape its DRAM traffic.
     */
    public NpuConfig npuConfig(int groupWidth, int accumulatorRows, long scratchpadBytes) {
        NpuConfig base = NpuPresets.load("scalesim-compatible");
        int accKiB = (int) Math.max(base.accumulatorKiB(), (4L * arrayWidth * accumulatorRows + 1023) / 1024);
        int spKiB = (int) Math.min(16384, Math.max(base.scratchpadKiB(), (scratchpadBytes + 1023) / 1024));
        double gbps = userBandwidth ? bandwidthWordsPerCycle * base.clockMHz() / 1000 : base.dramBandwidthGBps();
        return new NpuConfig("scalesim:" + runName, "from " + file + " (SCALE-Sim v2, ws)", arrayHeight, arrayWidth, groupWidth, spKiB,
                base.scratchpadBanks(), accKiB, base.vectorLanes(), base.clockMHz(), gbps, 0, false, !userBandwidth, base.energyModel(),
                base.dramType(), base.peType());
    }

    private record Fields(String file, Map<String, String[]> values) {
        String at(String section, String key) {
            String[] v = values.get(section + "." + key.toLowerCase(Locale.ROOT));
            return file + ":" + (v == null ? "?" : v[1]);
        }

        String text(String section, String key) {
            String[] v = values.get(section + "." + key.toLowerCase(Locale.ROOT));
            if (v == null) {
                throw new ConfigException(file + ": [" + section + "] " + key + ": missing");
            }
            return v[0];
        }

        int positive(String section, String key) {
            return positive(section, key, text(section, key));
        }

        int positive(String section, String key, String text) {
            try {
                int v = Integer.parseInt(text);
                if (v >= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(at(section, key) + ": " + key + ": expected a positive integer, got '" + text + "'");
        }
    }
}
