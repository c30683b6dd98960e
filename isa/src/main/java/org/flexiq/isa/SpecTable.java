package org.flexiq.isa;

import java.util.stream.Collectors;

/**
 * The instruction table of isa/README.md, generated from {@link Opcode} so the documentation cannot drift
 * from the encoder (a test compares them). Regenerate: {@code java -cp isa/target/classes org.flexiq.isa.SpecTable}.
 */
public final class SpecTable {
    private SpecTable() {
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| opcode | mnemonic | unit | fields (bits; s = signed) | semantics | cycles |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Opcode op : Opcode.values()) {
            String fields = op.fields().isEmpty() ? "none" : op.fields().stream()
                    .map(f -> "`" + f.name() + "` " + f.bits() + (f.signed() ? "s" : "") + ": " + f.meaning())
                    .collect(Collectors.joining("; "));
            sb.append(String.format(java.util.Locale.ROOT, "| 0x%02x | `%s` | %s | %s | %s | %s |%n", op.code(), op.mnemonic(),
                    op.unit().label(), fields, op.semantics().replace("|", "\\|"), op.cycles().replace("|", "\\|")));
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
