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
        if (in && transposes(v)) {
            loadTransposed(code, v, r0, rows, sp, spStride);
            return;
        }
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

    /**
     * Whether a load of this view reads whole DRAM rows through the transposer: its elements are strided (a row apart, as in
     * attention's K^T) while its own rows are adjacent bytes, so that a run of them is one contiguous DRAM row per column.
     */
    private static boolean transposes(TensorView.Rows v) {
        return v.cols() > 1 && v.colStride() > 1 && v.runStride() == 1
                && fits(Opcode.MVIN_T, "dstride", v.colStride());
    }

    /** One mvin.t per run of adjacent rows: its columns are the DRAM rows, each run's length of contiguous bytes. */
    private static void loadTransposed(List<Instruction> code, TensorView.Rows v, int r0, int rows, int sp, int spStride) {
        for (int r = r0; r < r0 + rows; ) {
            int len = Math.min(Math.min(v.runLength(r), r0 + rows - r), MAX_ROWS);
            code.add(new Instruction.MvinT((int) v.address(r), sp + (r - r0) * spStride, v.cols(), len, v.colStride(), spStride));
            r += len;
        }
    }

    private static boolean fits(Opcode op, String field, long v) {
        return op.fields().stream().filter(f -> f.name().equals(field)).findFirst().orElseThrow().fits(v);
    }
}
