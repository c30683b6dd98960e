/**
 * The NPU instruction set: sealed instruction types, binary encoding, assembler and disassembler (issue 4).
 */
package org.flexiq.isa;
