package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Model;

import java.util.List;

/**
 * What import made of an ONNX file, for {@code sim inspect}.
 *
 * @param model       the imported model, or null when some node is not supported
 * @param unsupported one line per unsupported node (downstream nodes are not listed)
 * @param onnxNodes   nodes in the ONNX graph
 * @param folded      of those, nodes evaluated at import time (shape arithmetic, constants)
 * @param patterns    decomposed subgraphs recognized (LayerNorm, GELU, SiLU, scaled Softmax)
 * @param opset       the default-domain opset version
 * @param producer    producer name and version, as the file says
 */
public record OnnxImport(Model model, List<String> unsupported, int onnxNodes, int folded, int patterns, int opset,
                         String producer) {
    public OnnxImport {
        unsupported = List.copyOf(unsupported);
    }
}
