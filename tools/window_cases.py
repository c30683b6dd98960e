#!/usr/bin/env python3
"""Writes ONNX single-node pool and convolution tests, laid out as ONNX's backend node tests, whose expected outputs
PyTorch computes.

They cover what Debian's libonnx-testdata lacks: 3-D windows with padding, dilation and ceil rounding; 1-D windows;
ceil rounding that drops a window starting in the padding; asymmetric padding (PyTorch pads explicitly, with -inf
for a max, zeros for a convolution; a mean that leaves padding out has no PyTorch form with asymmetric padding, so
it is not here); convolutions with SAME padding and a stride, as TensorFlow exports write them, 1-D ones, and
transposed ones (strides, padding, output_padding, groups, dilation, 1-D); Resize in nearest,
bilinear and bicubic modes (PyTorch's F.interpolate, whose coordinates are ONNX's pytorch_half_pixel and
align_corners), on inputs long enough that nearest needs the repeat path.

    python3 tools/window_cases.py workloads/src/test/resources/onnx/windows

Needs numpy, onnx and torch (Debian: python3-onnx, python3-torch). Seeded: the same files every run.
"""
import os
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper


def t(x):
    return torch.from_numpy(x)


def padded_max(x, pads, **kw):
    # F.pad's order is last axis first: (left, right, top, bottom)
    return F.max_pool2d(F.pad(t(x), pads, value=float("-inf")), **kw)


CASES = [
    ("max3d_pad_ceil", "MaxPool", (1, 3, 5, 6, 7), dict(kernel_shape=[2, 3, 2], strides=[2, 2, 3], pads=[1, 1, 1, 1, 1, 1], ceil_mode=1),
     lambda x: F.max_pool3d(t(x), (2, 3, 2), (2, 2, 3), (1, 1, 1), ceil_mode=True)),
    ("max3d_dilations", "MaxPool", (1, 3, 7, 6, 7), dict(kernel_shape=[2, 2, 2], dilations=[3, 2, 2]),
     lambda x: F.max_pool3d(t(x), 2, 1, 0, dilation=(3, 2, 2))),
    ("avg3d_pads", "AveragePool", (1, 2, 5, 6, 7), dict(kernel_shape=[3, 2, 3], strides=[2, 1, 2], pads=[1, 1, 1, 1, 1, 1]),
     lambda x: F.avg_pool3d(t(x), (3, 2, 3), (2, 1, 2), 1, count_include_pad=False)),
    ("avg3d_pads_count_include_pad", "AveragePool", (1, 2, 5, 6, 7),
     dict(kernel_shape=[3, 3, 3], strides=[2, 1, 2], pads=[1, 1, 1, 1, 1, 1], count_include_pad=1),
     lambda x: F.avg_pool3d(t(x), 3, (2, 1, 2), 1, count_include_pad=True)),
    ("avg3d_ceil", "AveragePool", (1, 2, 6, 6, 7), dict(kernel_shape=[3, 3, 2], strides=[2, 2, 2], ceil_mode=1),
     lambda x: F.avg_pool3d(t(x), (3, 3, 2), 2, 0, ceil_mode=True)),
    ("max1d_dilations", "MaxPool", (2, 3, 11), dict(kernel_shape=[3], dilations=[2], pads=[1, 1]),
     lambda x: F.max_pool1d(t(x), 3, 1, 1, dilation=2)),
    ("avg1d_ceil", "AveragePool", (2, 3, 10), dict(kernel_shape=[3], strides=[2], ceil_mode=1),
     lambda x: F.avg_pool1d(t(x), 3, 2, ceil_mode=True)),
    ("avg1d_pads_count_include_pad", "AveragePool", (2, 3, 10), dict(kernel_shape=[3], strides=[2], pads=[1, 1], count_include_pad=1),
     lambda x: F.avg_pool1d(t(x), 3, 2, 1, count_include_pad=True)),
    ("max2d_ceil_pads", "MaxPool", (1, 2, 7, 8), dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
     lambda x: F.max_pool2d(t(x), 3, 2, 1, ceil_mode=True)),
    ("avg2d_ceil_pads", "AveragePool", (1, 2, 8, 8), dict(kernel_shape=[3, 2], strides=[3, 2], pads=[1, 1, 1, 1], ceil_mode=1),
     lambda x: F.avg_pool2d(t(x), (3, 2), (3, 2), 1, ceil_mode=True, count_include_pad=False)),
    ("max2d_rectangular_dilations", "MaxPool", (1, 2, 9, 8), dict(kernel_shape=[2, 3], strides=[1, 2], dilations=[2, 2], pads=[1, 1, 1, 1]),
     lambda x: F.max_pool2d(t(x), (2, 3), (1, 2), (1, 1), dilation=2)),
    ("max2d_ceil_drops_a_window", "MaxPool", (1, 1, 6, 6), dict(kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
     lambda x: F.max_pool2d(t(x), 2, 2, 1, ceil_mode=True)),
    ("max2d_asymmetric_pads", "MaxPool", (1, 2, 7, 7), dict(kernel_shape=[3, 3], strides=[2, 2], pads=[2, 0, 1, 2]),
     lambda x: padded_max(x, (0, 2, 2, 1), kernel_size=3, stride=2)),
    ("conv_same_upper_stride2", "Conv", (1, 3, 8, 9), dict(kernel_shape=[3, 2], strides=[2, 2], auto_pad="SAME_UPPER"),
     # H: 4 rows, total 1 -> 0 / 1; W: 5 columns, total 1 -> 0 / 1 (F.pad's order: left, right, top, bottom)
     lambda x, w: F.conv2d(F.pad(t(x), (0, 1, 0, 1)), t(w), stride=2), (4, 3, 3, 2)),
    ("conv_asymmetric_pads_dilation", "Conv", (1, 2, 8, 9), dict(kernel_shape=[2, 3], pads=[0, 2, 1, 0], dilations=[2, 2]),
     lambda x, w: F.conv2d(F.pad(t(x), (2, 0, 0, 1)), t(w), dilation=2), (3, 2, 2, 3)),
    ("conv_same_lower_stride2_groups", "Conv", (1, 4, 7, 7), dict(kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_LOWER", group=2),
     # out 4 x 4: total 1 per axis, before the input
     lambda x, w: F.conv2d(F.pad(t(x), (1, 0, 1, 0)), t(w), stride=2, groups=2), (4, 2, 2, 2)),
    ("convtranspose_stride2_pads_output_padding", "ConvTranspose", (1, 4, 5, 6), dict(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
     lambda x, w: F.conv_transpose2d(t(x), t(w), stride=2, padding=1, output_padding=1), (4, 3, 3, 3)),
    ("convtranspose_groups_dilation", "ConvTranspose", (1, 4, 5, 5), dict(group=2, dilations=[2, 2]),
     lambda x, w: F.conv_transpose2d(t(x), t(w), groups=2, dilation=2), (4, 2, 3, 3)),
    ("convtranspose_1d_stride3", "ConvTranspose", (1, 3, 7), dict(strides=[3]),
     lambda x, w: F.conv_transpose1d(t(x), t(w), stride=3), (3, 2, 4)),
    ("conv_1d_same_upper_stride2", "Conv", (1, 3, 11), dict(strides=[2], auto_pad="SAME_UPPER"),
     # out 6: total 3 -> 1 / 2
     lambda x, w: F.conv1d(F.pad(t(x), (1, 2)), t(w), stride=2), (5, 3, 4)),
    ("resize_nearest_x2_long", "Resize", (1, 2, 70, 3), dict(mode="nearest", coordinate_transformation_mode="asymmetric",
                                                             nearest_mode="floor"),
     lambda x, scales: F.interpolate(t(x), scale_factor=(2, 3), mode="nearest"), None, ("scales", np.array([1, 1, 2, 3], np.float32))),
    ("resize_bilinear_sizes", "Resize", (1, 2, 5, 7), dict(mode="linear", coordinate_transformation_mode="pytorch_half_pixel"),
     lambda x, sizes: F.interpolate(t(x), size=(9, 4), mode="bilinear", align_corners=False), None,
     ("sizes", np.array([1, 2, 9, 4], np.int64))),
    ("resize_bilinear_align_corners", "Resize", (1, 3, 4, 6), dict(mode="linear", coordinate_transformation_mode="align_corners"),
     lambda x, sizes: F.interpolate(t(x), size=(7, 11), mode="bilinear", align_corners=True), None,
     ("sizes", np.array([1, 3, 7, 11], np.int64))),
    ("resize_bicubic_x2", "Resize", (1, 2, 6, 5), dict(mode="cubic", coordinate_transformation_mode="pytorch_half_pixel", cubic_coeff_a=-0.75),
     lambda x, scales: F.interpolate(t(x), scale_factor=2, mode="bicubic", align_corners=False), None,
     ("scales", np.array([1, 1, 2, 2], np.float32))),
    ("max2d_same_lower_stride", "MaxPool", (1, 2, 8, 9), dict(kernel_shape=[4, 2], strides=[3, 2], auto_pad="SAME_LOWER"),
     # ONNX: out = ceil(in / stride); SAME_LOWER puts an odd total's extra element first. H: 3 rows, total 2 -> 1 / 1;
     # W: 5 columns, total 1 -> 1 / 0
     lambda x: padded_max(x, (1, 0, 1, 1), kernel_size=(4, 2), stride=(3, 2))),
]


def main(out):
    rng = np.random.default_rng(0)
    shutil.rmtree(out, ignore_errors=True)
    for name, op, shape, attrs, ref, *more in CASES:
        d = os.path.join(out, name, "test_data_set_0")
        os.makedirs(d)
        x = rng.standard_normal(shape).astype(np.float32)
        inputs = [("x", x)]
        node_inputs = ["x"]
        if more and more[0] is not None:  # a convolution's weight
            inputs.append(("w", rng.standard_normal(more[0]).astype(np.float32)))
            node_inputs.append("w")
        if len(more) > 1:  # Resize: no roi, then its scales or sizes
            inputs.append(more[1])
            node_inputs += ["", more[1][0]] if more[1][0] == "scales" else ["", "", more[1][0]]
        y = ref(*[v for _, v in inputs]).numpy()
        node = helper.make_node(op, node_inputs, ["y"], **attrs)
        graph = helper.make_graph([node], name, [helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype)
                                                                             if hasattr(helper, "np_dtype_to_tensor_dtype")
                                                                             else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[v.dtype], v.shape)
                                                 for k, v in inputs],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, y.shape)])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)], producer_name="tools/window_cases.py")
        onnx.save(model, os.path.join(out, name, "model.onnx"))
        for i, (k, v) in enumerate(inputs):
            with open(os.path.join(d, "input_%d.pb" % i), "wb") as f:
                f.write(numpy_helper.from_array(v, k).SerializeToString())
        with open(os.path.join(d, "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(y, "y").SerializeToString())
        print(name, shape, "->", y.shape)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "workloads/src/test/resources/onnx/windows")
