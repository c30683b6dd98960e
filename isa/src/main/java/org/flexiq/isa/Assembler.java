package org.flexiq.isa;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text {@link Disassembler} writes. Instructions name their fields ({@code rows=4}); an omitted
 * field is 0. Numbers are decimal or 0x hex, optionally negative. {@code ;} starts a comment. Errors name
 * the line and what was expected.
 */
public final class Assembler {
    private Assembler() {
    }

    /** One instruction line (no directives). */
    public static Instruction instruction(String line) {
        return instruction(tokens(line, "line"), "line");
    }

    public static NpuProgram program(String label, String text) {
        Target target = null;
        Integer dram = null;
        List<String> layers = new ArrayList<>();
        List<RegisterProfile> profiles = new ArrayList<>();
        List<IoTensor> tensors = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<Instruction> code = new ArrayList<>();
        List<Integer> codeLines = new ArrayList<>();
        int targetLine = 0;
        int dramLine = 0;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String where = label + ": line " + (n + 1);
            List<String> tok = tokens(lines[n], where);
            if (tok.isEmpty()) {
                continue;
            }
            String head = tok.get(0);
            if (!head.startsWith(".")) {
                code.add(instruction(tok, where));
                codeLines.add(n + 1);
                continue;
            }
            Map<String, String> kv = keyValues(tok, head.equals(".tensor") || head.equals(".data") ? tok.size() : head.equals(".layer") ? 3 : head.equals(".profile") ? 2 : 1, where);
            switch (head) {
                case ".target" -> {
                    if (targetLine > 0) {
                        throw new IsaException(where + ": a second .target (the first is on line " + targetLine + ")");
                    }
                    targetLine = n + 1;
                    try {
                        target = new Target(num(kv, "rows", where), num(kv, "cols", where), num(kv, "sp", where), num(kv, "acc", where));
                    } catch (IsaException e) {
                        throw new IsaException(where + ": .target: " + e.getMessage()); // the record's own check, placed at its line
                    }
                }
                case ".dram" -> {
                    if (dramLine > 0) {
                        throw new IsaException(where + ": a second .dram (the first is on line " + dramLine + ")");
                    }
                    dramLine = n + 1;
                    dram = num(kv, "bytes", where);
                    if (dram < 0) {
                        throw new IsaException(where + ": .dram bytes: expected a size of at least 0, got " + dram);
                    }
                }
                case ".layer" -> {
                    int id = parse(arg(tok, 1, where), where + ": layer id");
                    if (id != layers.size()) {
                        throw new IsaException(where + ": layer id " + id + " out of order (expected " + layers.size() + ")");
                    }
                    layers.add(unquote(arg(tok, 2, where), where));
                }
                case ".profile" -> {
                    Map<Integer, Integer> regs = new LinkedHashMap<>();
                    for (Map.Entry<String, String> e : kv.entrySet()) {
                        if (!e.getKey().matches("r\\d+")) {
                            throw new IsaException(where + ": profile entry '" + e.getKey() + "' is not a register rN");
                        }
                        int reg = Integer.parseInt(e.getKey().substring(1));
                        if (reg >= NpuProgram.REGISTERS) {
                            throw new IsaException(where + ": register r" + reg + " is not below " + NpuProgram.REGISTERS);
                        }
                        regs.put(reg, parse(e.getValue(), where + ": " + e.getKey()));
                    }
                    profiles.add(new RegisterProfile(unquote(arg(tok, 1, where), where), regs));
                }
                case ".tensor" -> {
                    String role = arg(tok, 1, where);
                    if (!role.equals("input") && !role.equals("output")) {
                        throw new IsaException(where + ": tensor role '" + role + "' is not input or output");
                    }
                    String dtype = tok.size() > 3 ? tok.get(3) : "";
                    if (!dtype.equals("i8") && !dtype.equals("i32")) {
                        throw new IsaException(where + ": tensor dtype '" + dtype + "' is not i8 or i32");
                    }
                    kv = keyValues(tok, 4, where);
                    try {
                        tensors.add(new IoTensor(unquote(arg(tok, 2, where), where), IoTensor.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT)),
                                dtype.equals("i32"), num(kv, "dram", where), list(kv, "shape", where), list(kv, "strides", where)));
                    } catch (IsaException e) {
                        throw new IsaException(where + ": " + e.getMessage()); // the record's own check, placed at its line
                    }
                }
                case ".data" -> {
                    int off = parse(arg(tok, 1, where), where + ": data offset");
                    if (off != data.size()) {
                        throw new IsaException(where + ": data offset " + off + " is not where the image ends (" + data.size() + ")");
                    }
                    try {
                        data.writeBytes(HexFormat.of().parseHex(arg(tok, 2, where)));
                    } catch (IllegalArgumentException e) {
                        throw new IsaException(where + ": data: not hex bytes");
                    }
                }
                default -> throw new IsaException(where + ": unknown directive " + head);
            }
        }
        if (target == null) {
            throw new IsaException(label + ": missing .target line");
        }
        if (dram == null) {
            throw new IsaException(label + ": missing .dram line");
        }
        NpuProgram program = new NpuProgram(target, code, layers, profiles, tensors, data.toByteArray(), dram);
        List<ProgramCheck.Problem> problems = ProgramCheck.problems(program);
        if (!problems.isEmpty()) {
            ProgramCheck.Problem first = problems.get(0);
            throw new IsaException(label + ": line " + codeLines.get(first.instruction()) + ": " + first.message()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        return program;
    }

    private static Instruction instruction(List<String> tok, String where) {
        Opcode op = Opcode.ofMnemonic(tok.get(0));
        if (op == null) {
            throw new IsaException(where + ": unknown mnemonic '" + tok.get(0) + "'");
        }
        Map<String, String> kv = keyValues(tok, 1, where);
        int[] v = new int[op.fields().size()];
        for (String key : kv.keySet()) {
            if (op.fields().stream().noneMatch(f -> f.name().equals(key))) {
                throw new IsaException(where + ": " + op.mnemonic() + " has no field '" + key + "' (fields: "
                        + op.fields().stream().map(Field::name).toList() + ")");
            }
        }
        for (int i = 0; i < v.length; i++) {
            Field f = op.fields().get(i);
            String s = kv.get(f.name());
            if (s != null) {
                long x = parseLong(s, where + ": " + f.name());
                if (!f.fits(x)) {
                    throw new IsaException(where + ": " + f.name() + "=" + s + " does not fit " + f.bits() + " "
                            + (f.signed() ? "signed" : "unsigned") + " bits [" + f.min() + ", " + f.max() + "]");
                }
                v[i] = (int) x;
            }
        }
        return op.make(v);
    }

    private static List<String> tokens(String line, String where) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ';') {
                break;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            StringBuilder t = new StringBuilder();
            boolean quoted = false;
            while (i < line.length()) {
                c = line.charAt(i);
                if (!quoted && (Character.isWhitespace(c) || c == ';')) {
                    break;
                }
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\\' && quoted && i + 1 < line.length()) {
                    t.append(c);
                    c = line.charAt(++i);
                }
                t.append(c);
                i++;
            }
            if (quoted) {
                throw new IsaException(where + ": unterminated string");
            }
            out.add(t.toString());
        }
        return out;
    }

    private static Map<String, String> keyValues(List<String> tok, int from, String where) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = from; i < tok.size(); i++) {
            String t = tok.get(i);
            int eq = t.indexOf('=');
            if (eq <= 0 || eq == t.length() - 1) {
                throw new IsaException(where + ": expected name=value, found '" + t + "'");
            }
            if (kv.put(t.substring(0, eq), t.substring(eq + 1)) != null) {
                throw new IsaException(where + ": field " + t.substring(0, eq) + " given twice");
            }
        }
        return kv;
    }

    private static String arg(List<String> tok, int i, String where) {
        if (i >= tok.size()) {
            throw new IsaException(where + ": " + tok.get(0) + " needs more arguments");
        }
        return tok.get(i);
    }

    private static String unquote(String s, String where) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            throw new IsaException(where + ": expected a quoted name, found " + s);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            out.append(c == '\\' ? s.charAt(++i) : c);
        }
        return out.toString();
    }

    private static int num(Map<String, String> kv, String key, String where) {
        String s = kv.get(key);
        if (s == null) {
            throw new IsaException(where + ": missing " + key + "=");
        }
        return parse(s, where + ": " + key);
    }

    private static int[] list(Map<String, String> kv, String key, String where) {
        String s = kv.get(key);
        if (s == null) {
            throw new IsaException(where + ": missing " + key + "=");
        }
        String[] parts = s.split(",");
        int[] v = new int[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = parse(parts[i], where + ": " + key);
        }
        return v;
    }

    private static int parse(String s, String where) {
        long v = parseLong(s, where);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IsaException(where + ": " + s + " is out of the 32-bit range");
        }
        return (int) v;
    }

    private static long parseLong(String s, String where) {
        try {
            boolean neg = s.startsWith("-");
            String body = neg ? s.substring(1) : s;
            long v = body.startsWith("0x") || body.startsWith("0X") ? Long.parseLong(body.substring(2), 16) : Long.parseLong(body);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw new IsaException(where + ": '" + s + "' is not a number");
        }
    }
}
