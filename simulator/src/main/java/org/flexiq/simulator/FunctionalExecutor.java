package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.IoTensor;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.isa.Target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a program instruction by instruction, without timing: the machine's values only. Its outputs must
 * equal the golden executor's bit for bit; the cycle engine computes the same values.
 */
public final class FunctionalExecutor {
    /** Extraction modes for instructions that defer to register 1. */
    public static final int STATIC = 0;
    public static final int DYNAMIC = 1;

    private FunctionalExecutor() {
    }

    /** What one run produced: int8 outputs in logical row-major order, and what the program did. */
    public record Result(Map<String, byte[]> outputs, ExecutionCounts counts) {
    }

    /**
     * @param inputs per input tensor, its values in logical row-major order (int8 codes, or token ids)
     */
    public static Result run(NpuProgram program, String profile, int extractionMode, Map<String, int[]> inputs) {
        MachineState m = load(program, profile, extractionMode, inputs);
        InstructionSemantics exec = new InstructionSemantics(m);
        List<Instruction> code = program.code();
        for (int pc = 0; pc < code.size(); pc++) {
            Instruction insn = code.get(pc);
            if (insn instanceof Instruction.Halt) {
                break;
            }
            try {
                exec.execute(insn);
            } catch (NpuFault | ArithmeticException e) {
                throw new NpuFault("instruction " + pc + " (" + insn.opcode().mnemonic() + "): " + e.getMessage());
            }
        }
        return new Result(outputs(program, m), exec.counts());
    }

    /** A machine with the program's DRAM image, its inputs placed, and the profile's registers written. */
    static MachineState load(NpuProgram program, String profile, int extractionMode, Map<String, int[]> inputs) {
        Target t = program.target();
        MachineState m = new MachineState(t, program.dramBytes());
        System.arraycopy(program.data(), 0, m.dram, 0, program.data().length);
        RegisterProfile regs = program.profile(profile);
        regs.values().forEach((r, v) -> m.setRegister(r, v));
        m.setRegister(NpuProgram.EXTRACTION_MODE_REGISTER, extractionMode);
        for (IoTensor in : program.tensors(IoTensor.Role.INPUT)) {
            int[] v = inputs.get(in.name());
            if (v == null || v.length != in.elements()) {
                throw new NpuFault("input '" + in.name() + "' needs " + in.elements() + " values"
                        + (v == null ? "; none given" : ", not " + v.length));
            }
            for (int i = 0; i < v.length; i++) {
                int a = (int) in.address(i);
                if (in.int32()) {
                    for (int b = 0; b < 4; b++) {
                        m.dram[a + b] = (byte) (v[i] >>> (8 * b));
                    }
                } else {
                    m.dram[a] = (byte) v[i];
                }
            }
        }
        return m;
    }

    /** The program's outputs, in logical row-major order. */
    static Map<String, byte[]> outputs(NpuProgram program, MachineState m) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (IoTensor o : program.tensors(IoTensor.Role.OUTPUT)) {
            byte[] v = new byte[o.elements()];
            for (int i = 0; i < v.length; i++) {
                v[i] = m.dram[(int) o.address(i)];
            }
            out.put(o.name(), v);
        }
        return out;
    }
}
