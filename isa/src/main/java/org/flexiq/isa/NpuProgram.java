package org.flexiq.isa;

import java.util.Arrays;
import java.util.List;

/**
 * A compiled program: the code (the same for every ratio), the layer table that {@code layer} markers
 * index, one register profile per stored ratio, the DRAM image it starts from (weights, tables) and the
 * placement of its inputs and outputs. {@code dramBytes} is the DRAM it uses in all, image included.
 */
public record NpuProgram(Target target, List<Instruction> code, List<String> layers, List<RegisterProfile> profiles,
                         List<IoTensor> tensors, byte[] data, int dramBytes) {
    /** Register 1 selects the extraction mode of instructions with mode 2: 0 static, 1 dynamic. */
    public static final int EXTRACTION_MODE_REGISTER = 1;
    /** The first register holding a layer's MAX_4BIT_CH. */
    public static final int FIRST_LAYER_REGISTER = 2;
    public static final int REGISTERS = 1024;

    public NpuProgram {
        code = List.copyOf(code);
        layers = List.copyOf(layers);
        profiles = List.copyOf(profiles);
        tensors = List.copyOf(tensors);
        if (data.length > dramBytes) {
            throw new IsaException("DRAM image of " + data.length + " bytes exceeds the program's " + dramBytes + " DRAM bytes");
        }
    }

    public RegisterProfile profile(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IsaException("no register profile '" + name + "'; the program has "
                        + profiles.stream().map(RegisterProfile::name).toList()));
    }

    public List<IoTensor> tensors(IoTensor.Role role) {
        return tensors.stream().filter(t -> t.role() == role).toList();
    }

    public byte[] codeBytes() {
        return InstructionCodec.encodeAll(code);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpuProgram p && p.target.equals(target) && p.code.equals(code) && p.layers.equals(layers)
                && p.profiles.equals(profiles) && p.tensors.equals(tensors) && Arrays.equals(p.data, data) && p.dramBytes == dramBytes;
    }

    @Override
    public int hashCode() {
        return code.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpuProgram[" + code.size() + " instructions, " + layers.size() + " layers, " + profiles.size() + " profiles, "
                + data.length + " data bytes]";
    }
}
