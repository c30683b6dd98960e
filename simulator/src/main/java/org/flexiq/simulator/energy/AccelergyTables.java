package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.NpuConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accelergy's energy and area reference tables (ERT, ART) in YAML: read in both the list form Accelergy 0.3 writes
 * ({@code tables: [{name, actions: [{name, arguments, energy}]}]}) and the mapping form of later versions
 * ({@code tables: {name: {action: {arguments, energy} or [...]}}}), and written in the list form.
 *
 * <p>A table drives the model when it names every {@link EnergyAction} (ERT) or {@link AreaItem} (ART): a component
 * matches by the last segment of its name with any instance range removed ({@code System.npu.pe_array[0..1023]} is
 * {@code pe_array}). What the file lacks is an error listing all of it, never a silent zero. An action listed with
 * several argument sets (address and data deltas) is priced at its most expensive one: the conservative reading.
 */
public final class AccelergyTables {
    private AccelergyTables() {
    }

    /** component name -> action -> pJ. */
    public static Map<String, Map<String, Double>> readErt(Path file) {
        YamlTree.Mapping tables = tables(file, "ERT");
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        YamlTree t = tables.entries().get("tables");
        if (t instanceof YamlTree.Sequence list) {
            for (YamlTree item : list.items()) {
                YamlTree.Mapping table = mapping(file, item, "an ERT table");
                String name = scalar(file, table, "name");
                YamlTree actions = field(file, table, "actions");
                if (!(actions instanceof YamlTree.Sequence seq)) {
                    throw new ConfigException(file + ":" + actions.line() + ": 'actions' of " + name + " is not a list");
                }
                for (YamlTree a : seq.items()) {
                    YamlTree.Mapping action = mapping(file, a, "an action of " + name);
                    put(out, name, scalar(file, action, "name"), number(file, action, "energy", name));
                }
            }
        } else if (t instanceof YamlTree.Mapping byName) {
            for (Map.Entry<String, YamlTree> table : byName.entries().entrySet()) {
                YamlTree.Mapping actions = mapping(file, table.getValue(), "the actions of " + table.getKey());
                for (Map.Entry<String, YamlTree> a : actions.entries().entrySet()) {
                    List<YamlTree> variants = a.getValue() instanceof YamlTree.Sequence s ? s.items() : List.of(a.getValue());
                    for (YamlTree v : variants) {
                        put(out, table.getKey(), a.getKey(), number(file, mapping(file, v, "action " + a.getKey()), "energy", table.getKey()));
                    }
                }
            }
        } else {
            throw new ConfigException(file + ":" + (t == null ? tables.line() : t.line()) + ": ERT has no 'tables' list or mapping");
        }
        return out;
    }

    /** component name -> area in um² (per instance, as Accelergy lists it). */
    public static Map<String, Double> readArt(Path file) {
        YamlTree.Mapping tables = tables(file, "ART");
        Map<String, Double> out = new LinkedHashMap<>();
        YamlTree t = tables.entries().get("tables");
        if (t instanceof YamlTree.Sequence list) {
            for (YamlTree item : list.items()) {
                YamlTree.Mapping table = mapping(file, item, "an ART table");
                String name = scalar(file, table, "name");
                out.put(name, number(file, table, "area", name));
            }
        } else if (t instanceof YamlTree.Mapping byName) {
            for (Map.Entry<String, YamlTree> e : byName.entries().entrySet()) {
                YamlTree v = e.getValue();
                out.put(e.getKey(), v instanceof YamlTree.Mapping m ? number(file, m, "area", e.getKey()) : number(file, v, "area of " + e.getKey()));
            }
        } else {
            throw new ConfigException(file + ":" + (t == null ? tables.line() : t.line()) + ": ART has no 'tables' list or mapping");
        }
        return out;
    }

    /**
     * {@code base} with its energies from an ERT and, when {@code art} is given, its areas from an ART. Every action
     * (every area) must be in the file.
     */
    public static EnergyTable apply(EnergyTable base, Path ert, Path art) {
        Map<String, Map<String, Double>> e = bySegment(readErt(ert));
        Map<EnergyAction, Double> pj = new EnumMap<>(EnergyAction.class);
        List<String> missing = new ArrayList<>();
        for (EnergyAction a : EnergyAction.values()) {
            Double v = e.getOrDefault(a.component(), Map.of()).get(a.action());
            if (v == null) {
                missing.add(a.component() + "." + a.action());
            } else {
                pj.put(a, v);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(ert + ": no energy for " + String.join(", ", missing) + " (components match by the last segment of their "
                    + "name; `sim energy --write-ert DIR` writes a complete table to start from)");
        }
        Map<AreaItem, Double> um2 = new EnumMap<>(base.um2());
        String source = "ERT " + ert.getFileName();
        if (art != null) {
            Map<String, Double> a = new TreeMap<>();
            readArt(art).forEach((k, v) -> a.put(segment(k), v));
            List<String> lacking = new ArrayList<>();
            for (AreaItem i : AreaItem.values()) {
                Double v = a.get(i.component());
                if (v == null) {
                    lacking.add(i.component());
                } else {
                    um2.put(i, v);
                }
            }
            if (!lacking.isEmpty()) {
                throw new ConfigException(art + ": no area for " + String.join(", ", lacking));
            }
            source += ", ART " + art.getFileName();
        } else {
            source += ", areas of " + base.source();
        }
        return new EnergyTable(source, base.npu(), base.technologyNm(), base.pe(), pj, um2);
    }

    /** The table as an Accelergy 0.3 ERT. */
    public static String ert(EnergyTable t) {
        StringBuilder b = new StringBuilder("ERT:\n  version: 0.3\n  tables:\n");
        Map<String, List<EnergyAction>> byComponent = new LinkedHashMap<>();
        for (EnergyAction a : EnergyAction.values()) {
            byComponent.computeIfAbsent(a.component(), k -> new ArrayList<>()).add(a);
        }
        for (Map.Entry<String, List<EnergyAction>> c : byComponent.entrySet()) {
            b.append("  - name: ").append(instance(t.npu(), c.getKey())).append("\n    actions:\n");
            for (EnergyAction a : c.getValue()) {
                b.append("    - name: ").append(a.action()).append("\n      arguments: null\n      energy: ").append(number(t.pj(a)))
                        .append("  # pJ per ").append(a.per()).append('\n');
            }
        }
        return b.toString();
    }

    /** The table's areas as an Accelergy 0.3 ART (um², the PE per instance). */
    public static String art(EnergyTable t) {
        StringBuilder b = new StringBuilder("ART:\n  version: 0.3\n  tables:\n");
        for (AreaItem i : AreaItem.values()) {
            b.append("  - name: ").append(instance(t.npu(), i.component())).append("\n    area: ").append(number(t.um2().get(i))).append('\n');
        }
        return b.toString();
    }

    private static String instance(NpuConfig npu, String component) {
        return npu.name() + "." + component + (component.equals("pe_array") ? "[0.." + (npu.arrayRows() * npu.arrayCols() - 1) + "]" : "");
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** The last segment of a component name, its instance range removed. */
    static String segment(String name) {
        String plain = name.replaceAll("\\[[^]]*]", "");
        return plain.substring(plain.lastIndexOf('.') + 1);
    }

    private static Map<String, Map<String, Double>> bySegment(Map<String, Map<String, Double>> ert) {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        ert.forEach((k, v) -> out.computeIfAbsent(segment(k), x -> new TreeMap<>()).putAll(v));
        return out;
    }

    private static void put(Map<String, Map<String, Double>> out, String component, String action, double pj) {
        out.computeIfAbsent(component, k -> new LinkedHashMap<>()).merge(action, pj, Math::max);
    }

    private static YamlTree.Mapping tables(Path file, String root) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        YamlTree doc = YamlTree.parse(file.toString(), bytes);
        YamlTree.Mapping top = mapping(file, doc, "the document");
        YamlTree r = top.entries().get(root);
        if (r == null) {
            throw new ConfigException(file + ":" + top.line() + ": no '" + root + "' at the top (an Accelergy " + root + " starts with '" + root + ":')");
        }
        return mapping(file, r, root);
    }

    private static YamlTree.Mapping mapping(Path file, YamlTree t, String what) {
        if (t instanceof YamlTree.Mapping m) {
            return m;
        }
        throw new ConfigException(file + ":" + t.line() + ": " + what + " is not a mapping");
    }

    private static YamlTree field(Path file, YamlTree.Mapping m, String key) {
        YamlTree v = m.entries().get(key);
        if (v == null) {
            throw new ConfigException(file + ":" + m.line() + ": field '" + key + "' is missing");
        }
        return v;
    }

    private static String scalar(Path file, YamlTree.Mapping m, String key) {
        YamlTree v = field(file, m, key);
        if (v instanceof YamlTree.Scalar s && s.text() != null) {
            return s.text();
        }
        throw new ConfigException(file + ":" + v.line() + ": field '" + key + "' is not a plain value");
    }

    private static double number(Path file, YamlTree.Mapping m, String key, String owner) {
        return number(file, field(file, m, key), key + "' of '" + owner);
    }

    private static double number(Path file, YamlTree v, String what) {
        if (v instanceof YamlTree.Scalar s && s.text() != null) {
            try {
                double d = Double.parseDouble(s.text());
                if (Double.isFinite(d) && d >= 0) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the line
            }
            throw new ConfigException(file + ":" + v.line() + ": field '" + what + "': expected a number >= 0, got '" + s.text() + "'");
        }
        throw new ConfigException(file + ":" + v.line() + ": field '" + what + "': expected a number");
    }
}
