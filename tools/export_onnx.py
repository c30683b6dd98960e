#!/usr/bin/env python3
"""Export a trained zoo model (.flx) to ONNX with PyTorch's exporter, for the ONNX import tests.

The graph is interpreted by train_fmnist.py's GraphModule (so no architecture is written twice), loaded with
the .flx's trained tensors, and traced by torch.onnx.export with a dynamic batch dimension. At opset 13
PyTorch decomposes LayerNorm (ReduceMean/Sub/Pow/Sqrt/Div) and GELU (Erf), and the attention scale is a Mul
before the Softmax: the patterns the importer recognizes. CI never runs this; the .onnx files are committed.

    /usr/bin/python3 tools/export_onnx.py workloads/src/main/resources/org/flexiq/workloads/zoo/fmnist-resnet.flx \
        -o workloads/src/test/resources/onnx/fmnist-resnet.onnx
    (the same for fmnist-vit; fmnist-resnet-folded.onnx adds --fold-batchnorm; fmnist-vit-opset11.onnx and
    fmnist-vit-opset17.onnx add --opset 11 and --opset 17)
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_fmnist import GraphModule, read_flx  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("flx", help="a trained float .flx (the zoo's fmnist-* files)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--fold-batchnorm", action="store_true",
                    help="let the exporter fold eval-mode BatchNorm into the convs (its float32 folding differs from the "
                         "quantizer's in the last bits; by default BatchNormalization nodes are kept, as the zoo graph has them)")
    args = ap.parse_args()
    header, tensors = read_flx(args.flx)
    model = GraphModule(header["graph"], tensors, torch.Generator().manual_seed(0))
    with torch.no_grad():
        for name, value in tensors.items():
            key = model._key(name)
            if key in model.params:
                model.params[key].copy_(torch.from_numpy(value))
            else:
                getattr(model, key).copy_(torch.from_numpy(value))
    model.eval()
    g = header["graph"]
    shape = [1] + g["inputs"][0]["shape"]
    x = torch.zeros(shape)
    # TrainingMode.PRESERVE exports the eval-mode model without the exporter's eval peephole (Conv-BN fusion).
    mode = torch.onnx.TrainingMode.EVAL if args.fold_batchnorm else torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(model, (x,), args.output, opset_version=args.opset, do_constant_folding=True, training=mode,
                      input_names=[g["inputs"][0]["name"]], output_names=list(g["outputs"]),
                      dynamic_axes={g["inputs"][0]["name"]: {0: "batch"}, g["outputs"][0]: {0: "batch"}})
    print(f"{args.output}: opset {args.opset}, {os.path.getsize(args.output)} bytes")


if __name__ == "__main__":
    main()
