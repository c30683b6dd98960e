package org.flexiq.compiler.lower;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.Opcode;

import java.util.List;

/**
 * DMA between a DRAM view's rows and a dense scratchpad tile: one mvin or mvout per run of evenly spaced
 * rows, split where a run exceeds a field's width.
 */
final class ViewDma {
    private static final int MAX_ROWS = 65535;

    private ViewDma() {
    }

    static void load(List<Instruction> code, TensorView.Rows v, int r0, int rows, int sp, int spStride) {
        transfer(code, v, r0, rows, sp, spStride, true);
    }

    static void store(List<Instruction> code, TensorView.Rows v, int r0, int rows, int sp, int spStride) {
        transfer(code, v, r0, rows, sp, spStride, false);
    }

    private static void transfer(List<Instruction> code, TensorView.Rows v, int r0, int rows, int sp, int spStride, boolean in) {
        if (!fits(Opcode.MVIN, "estride", v.colStride())) {
            throw new InfeasibleException("a tensor view's element stride " + v.colStride() + " exceeds the DMA's 16-bit field");
        }
        int estride = v.cols() == 1 ? 0 : v.colStride();
        for (int r = r0; r < r0 + rows; ) {
            int len = Math.min(Math.min(v.runLength(r), r0 + rows - r), MAX_ROWS);
            int stride = len == 1 ? 0 : v.runStride();
            if (!fits(Opcode.MVIN, "dstride", stride)) {
                len = 1;
                stride = 0;
            }
            int addr = (int) v.address(r);
            int at = sp + (r - r0) * spStride;
            code.add(in ? new Instruction.Mvin(addr, at, len, v.cols(), stride, estride, spStride)
                    : new Instruction.Mvout(at, addr, len, v.cols(), spStride, stride, estride));
            r += len;
        }
    }

    private static boolean fits(Opcode op, String field, long v) {
        return op.fields().stream().filter(f -> f.name().equals(field)).findFirst().orElseThrow().fits(v);
    }
}
