#!/usr/bin/env python3
"""Exports torchvision architectures (random weights, seeded) to ONNX, each beside an input and PyTorch's output in the
layout of ONNX's backend tests, for checking what `sim import` makes of real exporter output:

    python3 tools/torchvision_onnx.py /tmp/tv
    mvn -pl workloads test -Dtest=OnnxModelCheckTest -Donnx.models=/tmp/tv

Needs torch and torchvision (Debian: python3-torch, python3-torchvision). Nothing here is committed: the files are
large, and the check reports per model whether the import reproduces PyTorch's output (or why it is refused).
"""
import os
import sys

import numpy as np
import torch
import torchvision
from onnx import numpy_helper

MODELS = {
    # name: (constructor, input shape, opset)
    "resnet18": (lambda: torchvision.models.resnet18(), (1, 3, 64, 64), 13),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(), (1, 3, 64, 64), 13),
    "mobilenet_v3_small": (lambda: torchvision.models.mobilenet_v3_small(), (1, 3, 64, 64), 14),
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(), (1, 3, 64, 64), 13),
    "squeezenet1_0": (lambda: torchvision.models.squeezenet1_0(), (1, 3, 64, 64), 13),
    "shufflenet_v2_x0_5": (lambda: torchvision.models.shufflenet_v2_x0_5(), (1, 3, 64, 64), 13),
    "densenet121": (lambda: torchvision.models.densenet121(), (1, 3, 64, 64), 13),
    "googlenet": (lambda: torchvision.models.googlenet(aux_logits=False, init_weights=True), (1, 3, 64, 64), 13),
    "regnet_y_400mf": (lambda: torchvision.models.regnet_y_400mf(), (1, 3, 64, 64), 13),
    "mnasnet0_5": (lambda: torchvision.models.mnasnet0_5(), (1, 3, 64, 64), 13),
    "convnext_tiny": (lambda: torchvision.models.convnext_tiny(), (1, 3, 64, 64), 13),
    "vit_b_16": (lambda: torchvision.models.vit_b_16(image_size=64), (1, 3, 64, 64), 13),
    "swin_t": (lambda: torchvision.models.swin_t(), (1, 3, 64, 64), 13),
    "fcn_resnet50": (lambda: torchvision.models.segmentation.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False),
                     (1, 3, 64, 64), 13),
    "deeplabv3_mobilenet_v3_large": (lambda: torchvision.models.segmentation.deeplabv3_mobilenet_v3_large(
        weights=None, weights_backbone=None, aux_loss=False), (1, 3, 64, 64), 13),
    "lraspp_mobilenet_v3_large": (lambda: torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None),
                                  (1, 3, 64, 64), 13),
}


class First(torch.nn.Module):
    """A segmentation model's 'out' tensor (they return a dict)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        y = self.m(x)
        return y["out"] if isinstance(y, dict) else y


def main(out):
    only = sys.argv[2:] or list(MODELS)
    for name in only:
        make, shape, opset = MODELS[name]
        torch.manual_seed(0)
        model = First(make()).eval()
        with torch.no_grad():
            for m in model.modules():
                # torchvision zeroes some heads (ViT's): an all-zero output would check nothing
                if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)) and not m.weight.abs().sum():
                    torch.nn.init.normal_(m.weight, std=0.02)
                # fresh BatchNorm statistics (mean 0, variance 1) let activations vanish or collapse through a deep random
                # network; statistics of a trained one's kind keep every output informative
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.normal_(0, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0, 0.1)
        x = torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        d = os.path.join(out, name)
        os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
        torch.onnx.export(model, x, os.path.join(d, "model.onnx"), opset_version=opset, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
        with open(os.path.join(d, "test_data_set_0", "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x.numpy(), "x").SerializeToString())
        with open(os.path.join(d, "test_data_set_0", "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(y.numpy().astype(np.float32), "y").SerializeToString())
        print(name, tuple(x.shape), "->", tuple(y.shape), os.path.getsize(os.path.join(d, "model.onnx")) // 1024, "KiB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tv")
