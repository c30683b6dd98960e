#!/usr/bin/env python3
"""Train a zoo graph on Fashion-MNIST and write the trained model as a .flx file.

The architecture comes from the .flx given as input (the Java zoo's definition, exported with
`./sim zoo export MODEL --synthetic`): this script interprets the graph generically in PyTorch, so no
architecture is written twice. Weights are re-initialized here (PyTorch's usual schemes), trained with a
fixed seed on one deterministic thread layout, and written with the same graph, in the same tensor order.

Needs Debian's python3-torch and python3-numpy, and dataset-fashion-mnist. CI never runs this; the trained
files are committed. Reproduce them with tools/train_fmnist.sh.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import tempfile
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530  # must equal workloads' FashionMnist.MEAN/STD
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
DTYPES = {"f32": np.float32, "i8": np.int8, "i32": np.int32}


def read_flx(path):
    raw = open(path, "rb").read()
    magic, version, hlen, hcrc = struct.unpack_from("<4sIII", raw, 0)
    assert magic == b"FLX1" and version == 1, f"{path}: not a version-1 .flx"
    header = raw[16:16 + hlen]
    assert zlib.crc32(header) == hcrc, f"{path}: header CRC"
    h = json.loads(header)
    start = (16 + hlen + 63) // 64 * 64
    tensors = {}
    for t in h["tensors"]:
        b = raw[start + t["offset"]: start + t["offset"] + t["length"]]
        assert zlib.crc32(b) == t["crc32"], f"{path}: CRC of {t['name']}"
        tensors[t["name"]] = np.frombuffer(b, dtype=DTYPES[t["dtype"]]).reshape(t["shape"]).copy()
    return h, tensors


def write_flx(path, header, tensors):
    data = bytearray()
    entries = []
    for t in header["tensors"]:
        a = np.ascontiguousarray(tensors[t["name"]].astype(np.float32))
        assert list(a.shape) == t["shape"], t["name"]
        pad = (-len(data)) % 64
        data += b"\0" * pad
        b = a.astype("<f4").tobytes()
        entries.append({"name": t["name"], "dtype": "f32", "shape": t["shape"], "offset": len(data),
                        "length": len(b), "crc32": zlib.crc32(b)})
        data += b
    header = dict(header, tensors=entries)
    js = json.dumps(header, separators=(",", ":")).encode()
    out = bytearray(b"FLX1" + struct.pack("<III", 1, len(js), zlib.crc32(js)) + js)
    out += b"\0" * ((-len(out)) % 64)
    out += data
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(out)
    os.replace(tmp, path)


def load_split(prefix):
    with gzip.open(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    x = (x.astype(np.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


class GraphModule(torch.nn.Module):
    """Runs a workloads Graph IR with a leading batch dimension (the IR has none)."""

    def __init__(self, graph, tensors, gen):
        super().__init__()
        self.graph = graph
        self.params = torch.nn.ParameterDict()
        self.bufs = {}
        for node in graph["nodes"]:
            self._init(node, tensors, gen)

    def _key(self, name):
        return name.replace(".", "__")

    def _init(self, node, tensors, gen):
        op, name = node["layer"]["op"], node["name"]
        def p(role, value):
            self.params[self._key(f"{name}.{role}")] = torch.nn.Parameter(value)
        if op in ("Conv2d", "Linear"):
            w = torch.from_numpy(tensors[f"{name}.weight"])
            fan_in = w[0].numel()
            gain = 1.0 if name in ("fc", "head") else math.sqrt(2.0)
            p("weight", torch.randn(w.shape, generator=gen) * gain / math.sqrt(fan_in))
            if node["layer"]["bias"]:
                p("bias", torch.zeros(w.shape[0]))
        elif op in ("BatchNorm", "LayerNorm"):
            c = tensors[f"{name}.gamma"].shape[0]
            p("gamma", torch.ones(c))
            p("beta", torch.zeros(c))
            if op == "BatchNorm":
                self.register_buffer(self._key(f"{name}.mean"), torch.zeros(c))
                self.register_buffer(self._key(f"{name}.var"), torch.ones(c))
        elif op == "Constant":
            v = tensors[f"{name}.value"]
            p("value", torch.randn(v.shape, generator=gen) * 0.02)
        elif op == "Embedding":
            v = tensors[f"{name}.weight"]
            p("weight", torch.randn(v.shape, generator=gen) * 0.02)

    def load(self, tensors):
        """Takes the values of a trained file instead of the fresh initialization (for finetuning)."""
        with torch.no_grad():
            for name, value in tensors.items():
                k = self._key(name)
                target = self.params[k] if k in self.params else getattr(self, k)
                target.copy_(torch.from_numpy(value))

    def P(self, name, role):
        return self.params[self._key(f"{name}.{role}")]

    def B(self, name, role):
        return getattr(self, self._key(f"{name}.{role}"))

    def forward(self, x):
        g = self.graph
        env = {g["inputs"][0]["name"]: x}
        n_batch = x.shape[0]
        for node in g["nodes"]:
            env[node["name"]] = self.layer(node, [env[i] for i in node["inputs"]], n_batch)
        return env[g["outputs"][0]]

    def layer(self, node, ins, n_batch):
        """One node's output from its inputs' (a subclass may change how a layer computes)."""
        L, name = node["layer"], node["name"]
        op = L["op"]
        a = ins[0] if ins else None
        if op == "Conv2d":
            y = F.conv2d(a, self.P(name, "weight"), self.P(name, "bias") if L["bias"] else None,
                         (L["strideH"], L["strideW"]), (L["padH"], L["padW"]), L["dilation"], L["groups"])
        elif op == "Linear":
            y = F.linear(a, self.P(name, "weight"), self.P(name, "bias") if L["bias"] else None)
        elif op == "BatchNorm":
            y = F.batch_norm(a, self.B(name, "mean"), self.B(name, "var"), self.P(name, "gamma"),
                             self.P(name, "beta"), self.training, 0.1, L["eps"])
        elif op == "LayerNorm":
            y = F.layer_norm(a, self.P(name, "gamma").shape, self.P(name, "gamma"), self.P(name, "beta"), L["eps"])
        elif op == "Relu":
            y = F.relu(a)
        elif op == "Relu6":
            y = F.relu6(a)
        elif op == "Gelu":
            y = F.gelu(a)
        elif op == "Silu":
            y = F.silu(a)
        elif op == "Tanh":
            y = torch.tanh(a)
        elif op == "Add":
            y = a + ins[1]
        elif op == "MatMul":
            y = torch.matmul(a, ins[1])
        elif op == "Softmax":
            s = a * L["scale"]
            if L["causal"]:
                t = s.shape[-1]
                s = s.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool, device=s.device), 1), float("-inf"))
            y = torch.softmax(s, dim=-1)
        elif op == "GlobalAvgPool":
            y = a.mean(dim=(2, 3))
        elif op == "MaxPool":
            y = F.max_pool2d(a, L["kernel"], L["stride"], L["pad"])
        elif op == "AvgPool":
            y = F.avg_pool2d(a, L["kernel"], L["stride"], L["pad"], count_include_pad=False)
        elif op == "Flatten":
            y = torch.flatten(a, L["startAxis"] + 1)
        elif op == "Reshape":
            y = a.reshape([n_batch] + L["shape"])
        elif op == "Transpose":
            y = a.permute([0] + [d + 1 for d in L["perm"]])
        elif op == "Slice":
            y = a.narrow(L["axis"] + 1, L["start"], L["end"] - L["start"])
        elif op == "Concat":
            y = torch.cat(ins, dim=L["axis"] + 1)
        elif op == "Constant":
            v = self.P(name, "value")
            y = v.unsqueeze(0).expand(n_batch, *v.shape)
        else:
            raise SystemExit(f"train_fmnist.py: no PyTorch rule for layer kind {op}")
        return y

    def export(self, tensors):
        out = {}
        for name in tensors:
            k = self._key(name)
            if k in self.params:
                out[name] = self.params[k].detach().cpu().numpy()
            else:
                out[name] = getattr(self, k).cpu().numpy()
        return out


def augment(x, gen):
    """Random 2-pixel shifts (pad by reflection of zero-level background) and horizontal flips."""
    n = x.shape[0]
    bg = -MEAN / STD
    padded = F.pad(x, (2, 2, 2, 2), value=bg)
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    idx_y = (torch.arange(28).unsqueeze(0) + dy.unsqueeze(1))  # n x 28
    idx_x = (torch.arange(28).unsqueeze(0) + dx.unsqueeze(1))
    rows = padded[:, 0][torch.arange(n)[:, None], idx_y]  # n x 28 x 32
    out = rows[torch.arange(n)[:, None, None], torch.arange(28)[None, :, None], idx_x[:, None, :]]
    flip = torch.rand(n, generator=gen) < 0.5
    out[flip] = out[flip].flip(-1)
    return out.unsqueeze(1)


def evaluate(model, x, y, device):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000].to(device)).argmax(1).cpu() == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("init", help="architecture as .flx (sim zoo export MODEL --synthetic)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2, help="torch threads (1 leaves a core free; results are deterministic for a given count)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (a lent GPU machine: the batches are augmented on the CPU, as on cpu, "
                    "and trained there; cuBLAS is made deterministic, so a seed gives one result per GPU model and library version)")
    ap.add_argument("--time-budget", type=float, default=0, help="seconds: after the first epoch, stop at once if all of them would take "
                    "longer (for a lent machine's limited time); 0: no limit")
    args = ap.parse_args()
    if args.device == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS, read when CUDA starts
    device = torch.device(args.device)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(args.seed)

    header, tensors = read_flx(args.init)
    model = GraphModule(header["graph"], tensors, gen).to(device)
    xtr, ytr = load_split("train")
    xte, yte = load_split("t10k")
    decay = [p for n, p in model.params.items() if p.dim() >= 2]
    no_decay = [p for n, p in model.params.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps = args.epochs * math.ceil(len(xtr) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for i in range(0, len(xtr), args.batch):
            idx = perm[i:i + args.batch]
            xb = augment(xtr[idx], gen).to(device)
            loss = F.cross_entropy(model(xb), ytr[idx].to(device), label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        acc = evaluate(model, xte, yte, device)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(xtr):.4f}, test top-1 {acc:.4f}, "
              f"{time.time() - t0:.0f} s", flush=True)
        if epoch == 0 and args.time_budget > 0 and (time.time() - t0) * args.epochs > args.time_budget:
            raise SystemExit(f"train_fmnist.py: {args.epochs} epochs would take about {(time.time() - t0) * args.epochs:.0f} s, over "
                             f"--time-budget {args.time_budget:.0f} s")
    acc = evaluate(model, xte, yte, device)
    meta = dict(header["metadata"])
    meta.update({"source": "trained", "weights": "trained on fashion-mnist:train by tools/train_fmnist.py",
                 "train.epochs": str(args.epochs), "train.seed": str(args.seed), "train.lr": str(args.lr),
                 "train.torch": torch.__version__, "train.device": torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu",
                 "float.top1.fashion-mnist:test": f"{acc:.4f}"})
    for k in ("zoo.seed",):
        meta.pop(k, None)
    write_flx(args.output, dict(header, metadata=meta), model.export([t["name"] for t in header["tensors"]]))
    print(f"wrote {args.output}: test top-1 {acc:.4f}")


if __name__ == "__main__":
    sys.exit(main())
