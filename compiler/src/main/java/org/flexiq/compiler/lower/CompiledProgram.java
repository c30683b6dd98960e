package org.flexiq.compiler.lower;

import org.flexiq.isa.NpuProgram;

/** A program and the report of its compilation. */
public record CompiledProgram(NpuProgram program, CompileReport report) {
}
