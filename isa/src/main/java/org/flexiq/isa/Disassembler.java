package org.flexiq.isa;

import java.util.HexFormat;
import java.util.Map;

/**
 * Readable assembly: one instruction per line as {@code mnemonic field=value ...} with every field named,
 * a program's tables as directives, and each layer marker followed by the layer's name. {@link Assembler}
 * reads all of it back; with {@code withData} the DRAM image is included (as hex) so the text is the whole program.
 */
public final class Disassembler {
    private static final int DATA_LINE = 64;

    private Disassembler() {
    }

    public static String format(Instruction insn) {
        StringBuilder sb = new StringBuilder(insn.opcode().mnemonic());
        int[] v = insn.operands();
        for (int i = 0; i < v.length; i++) {
            sb.append(' ').append(insn.opcode().fields().get(i).name()).append('=').append(v[i]);
        }
        return sb.toString();
    }

    public static String program(NpuProgram p, boolean withData) {
        StringBuilder sb = new StringBuilder();
        Target t = p.target();
        sb.append("; FlexiQ NPU program: ").append(p.code().size()).append(" instructions, ").append(p.layers().size())
                .append(" layers\n");
        sb.append(".target rows=").append(t.rows()).append(" cols=").append(t.cols()).append(" sp=").append(t.scratchpadBytes())
                .append(" acc=").append(t.accumulatorRows()).append('\n');
        sb.append(".dram bytes=").append(p.dramBytes()).append('\n');
        for (int i = 0; i < p.layers().size(); i++) {
            sb.append(".layer ").append(i).append(' ').append(quote(p.layers().get(i))).append('\n');
        }
        for (RegisterProfile r : p.profiles()) {
            sb.append(".profile ").append(quote(r.name()));
            for (Map.Entry<Integer, Integer> e : r.values().entrySet()) {
                sb.append(" r").append(e.getKey()).append('=').append(e.getValue());
            }
            sb.append('\n');
        }
        for (IoTensor x : p.tensors()) {
            sb.append(".tensor ").append(x.role().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(quote(x.name()))
                    .append(x.int32() ? " i32" : " i8").append(" dram=").append(x.dram()).append(" shape=").append(join(x.shape()))
                    .append(" strides=").append(join(x.strides())).append('\n');
        }
        if (withData) {
            HexFormat hex = HexFormat.of();
            for (int off = 0; off < p.data().length; off += DATA_LINE) {
                sb.append(".data ").append(off).append(' ')
                        .append(hex.formatHex(p.data(), off, Math.min(p.data().length, off + DATA_LINE))).append('\n');
            }
        } else if (p.data().length > 0) {
            sb.append("; DRAM image of ").append(p.data().length).append(" bytes left out (disasm --data includes it)\n");
        }
        for (Instruction insn : p.code()) {
            sb.append(format(insn));
            if (insn instanceof Instruction.Layer l && l.id() < p.layers().size()) {
                sb.append("  ; ").append(p.layers().get(l.id()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.toString();
    }
}
