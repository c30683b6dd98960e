package org.flexiq.simulator;

import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.Target;

/**
 * The architectural state: DRAM, scratchpad (bytes), accumulator (rows of C int32), registers, and the
 * array's shadow weights. Accessors check bounds once per access range and fault with what was wrong.
 */
final class MachineState {
    final Target target;
    final byte[] dram;
    final byte[] sp;
    final int[] acc;
    private final int[] regs = new int[NpuProgram.REGISTERS];

    MachineState(Target target, int dramBytes) {
        this.target = target;
        this.dram = new byte[dramBytes];
        this.sp = new byte[target.scratchpadBytes()];
        this.acc = new int[target.accumulatorRows() * target.cols()];
    }

    int register(int r) {
        return regs[r];
    }

    void setRegister(int r, int v) {
        if (r != 0) {
            regs[r] = v; // r0 reads 0
        }
    }

    /** Checks a strided 2-D range [addr + r stride + c e] of a memory of {@code size} units. */
    static void range(String what, long size, long addr, int rows, long stride, int cols, long elementStride) {
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = addr + (rows - 1L) * stride + (cols - 1L) * elementStride;
        long first = Math.min(addr, Math.min(addr + (rows - 1L) * stride, addr + (cols - 1L) * elementStride));
        if (first < 0 || Math.max(addr, last) >= size) {
            throw new NpuFault(what + " [" + addr + " .. " + last + "] is outside [0, " + size + ")");
        }
    }

    void spRange(String what, long addr, int rows, long stride, int cols) {
        range("scratchpad " + what, sp.length, addr, rows, stride, cols, 1);
    }

    void accRange(String what, int row, int rows, int cols) {
        if (cols > target.cols()) {
            throw new NpuFault("accumulator " + what + ": " + cols + " columns exceed the array's " + target.cols());
        }
        range("accumulator " + what + " rows", target.accumulatorRows(), row, rows, 1, 1, 0);
    }

    int spInt(int addr) {
        return (sp[addr] & 0xff) | (sp[addr + 1] & 0xff) << 8 | (sp[addr + 2] & 0xff) << 16 | sp[addr + 3] << 24;
    }

    long spLong(int addr) {
        return (spInt(addr) & 0xffffffffL) | (long) spInt(addr + 4) << 32;
    }

    int dramInt(long addr) {
        int a = (int) addr;
        return (dram[a] & 0xff) | (dram[a + 1] & 0xff) << 8 | (dram[a + 2] & 0xff) << 16 | dram[a + 3] << 24;
    }
}
