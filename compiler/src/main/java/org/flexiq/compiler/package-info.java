/**
 * FlexiQ quantization (calibration, effective bit extraction, channel selection, reordering), the golden integer executor, and lowering onto the NPU ISA (issues 3 and 4).
 */
package org.flexiq.compiler;
