#!/usr/bin/env python3
"""Finetune a trained zoo CNN for FlexiQ at 100% 4-bit: the paper's dual forward pass.

Each step runs the batch twice, through the int8 model and through the model with every 4-bit-capable layer at
4 bits, and minimizes, for both, cross-entropy plus a distillation loss towards the trained float model as it was
before finetuning (FLEXIQ.md, step 5). The teacher is frozen rather than the live int8 path, which keeps the int8
model where it was: distilling the 4-bit outputs towards the int8 ones cost the int8 model 1.3 points here.
Quantization is emulated as the Java quantizer does it (compiler/README.md, "The numeric contract"), with
straight-through gradients that stop where a code saturates:
- BatchNorm folded into the convolution before it (running statistics frozen, as the folded model uses them);
- weights int8 per output channel (max |w| / 127); every tensor int8 at its calibrated scale (max / 127; ReLU,
  max pooling and layout ops keep their input's), saturating as the integer model does;
- at a site (a tensor read by 4-bit-capable Conv2d/Linear layers; not the raw input's first layer), channels
  sorted by calibrated range and cut into groups of G; the 4-bit code of an int8 code x with shift p is
  round(x / 2^p) saturated to [-8, 7]; each group's static shift is the one of least squared error over the
  calibration codes (rounding and saturation counted; a tie keeps the max rule's shift), each weight's (output
  channel, group) shift the one of least error weighted by the activation channels' mean squares.
Scales and shifts are recalibrated from the float model on the calibration images (the first 512 training
images, as `sim tradeoff` calibrates) at the start of every epoch, so they follow the weights.

The output keeps the graph and the tensor order; its weights are float (the Java quantizer quantizes them again).
Needs Debian's python3-torch and dataset-fashion-mnist; CI never runs it. tools/train_fmnist.sh has the command.
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the graph interpreter and data loading are train_fmnist's
from train_fmnist import GraphModule, augment, evaluate, load_split, read_flx, write_flx

LAYOUT = ("Flatten", "Reshape", "Transpose", "Slice")
SCALE_KEEPING = LAYOUT + ("Relu", "Relu6", "MaxPool")  # the Java quantizer gives their outputs their input's scale
MAX_SHIFT = 4


def round_half_away(x):
    return torch.sign(x) * torch.floor(x.abs() + 0.5)


def four_bit(codes, shift):
    """The int8 value a 4-bit code stands for: round(x / 2^p) saturated to [-8, 7], times 2^p (FourBit)."""
    scale = 2.0 ** shift
    return torch.clamp(round_half_away(codes / scale), -8, 7) * scale


def effective_shift(max_magnitude):
    return max(0, int(max_magnitude).bit_length() - 3)


def least_error_shift(err, fallback):
    best = fallback
    for p in range(len(err)):
        if err[p] < err[best] * (1 - 1e-9):
            best = p
    return best


def straight_through(x, q):
    return x + (q - x).detach()


def fake_int8(x, scale):
    """int8 codes at {@code scale}, saturating; the gradient passes inside the range and stops where it saturates."""
    inside = (x.detach().abs() <= 127.5 * scale).to(x.dtype)
    q = torch.clamp(round_half_away(x.detach() / scale), -128, 127) * scale
    return q + (x - x.detach()) * inside


class Site:
    """A tensor read by 4-bit-capable layers: its int8 scale, channel groups and static shifts."""

    def __init__(self, values, scale, group):
        channels = values.shape[1]
        per_channel = values.transpose(0, 1).reshape(channels, -1)
        self.scale = scale
        codes = torch.clamp(round_half_away(per_channel / self.scale), -128, 127)
        channel_max = codes.abs().max(dim=1).values
        self.mean_square = (codes ** 2).mean(dim=1)
        errors = torch.stack([((codes - four_bit(codes, p)) ** 2).mean(dim=1) for p in range(MAX_SHIFT + 1)], dim=1)
        order = sorted(range(channels), key=lambda c: (channel_max[c].item(), c))
        self.groups = [order[k:k + group] for k in range(0, channels, group)]
        self.group_of = torch.empty(channels, dtype=torch.long)
        shifts = []
        for k, members in enumerate(self.groups):
            self.group_of[members] = k
            err = errors[members].sum(dim=0).tolist()
            shifts.append(least_error_shift(err, effective_shift(channel_max[members].max().item())))
        self.channel_shift = torch.tensor([shifts[k] for k in self.group_of.tolist()], dtype=torch.float32)

    def activation(self, x, four):
        if not four:
            return fake_int8(x, self.scale)
        view = [1, -1] + [1] * (x.dim() - 2)
        shift = self.channel_shift.to(x.device).view(view)
        codes = four_bit(torch.clamp(round_half_away(x.detach() / self.scale), -128, 127), shift)
        # the gradient stops where the 4-bit code saturates: above 7.5 x 2^p codes
        inside = (x.detach().abs() <= 7.5 * 2.0 ** shift * self.scale).to(x.dtype)
        return codes * self.scale + (x - x.detach()) * inside

    def weight(self, w, four):
        """w: [out, in, taps...] (or [out, in]); int8 per output channel, then 4 bits per (output channel, group)."""
        flat = w.reshape(w.shape[0], w.shape[1], -1)
        scale = (flat.detach().abs().amax(dim=(1, 2)).clamp_min(1e-12) / 127).view(-1, 1, 1)
        codes = torch.clamp(round_half_away(flat.detach() / scale), -127, 127)
        if four:
            codes = codes.clone()
            x2 = (self.mean_square + 1e-3).to(w.device).view(1, -1, 1)
            for members in self.groups:
                g = codes[:, members, :]
                errs = torch.stack([(x2[:, members] * (g - four_bit(g, p)) ** 2).sum(dim=(1, 2)) for p in range(MAX_SHIFT + 1)], dim=1)
                # the max rule's shift, kept unless another is strictly better (BitExtractor.argmin, per row)
                best = torch.clamp(torch.floor(torch.log2(g.abs().amax(dim=(1, 2)).clamp_min(1))) + 1 - 3, min=0).long()
                for p in range(MAX_SHIFT + 1):
                    better = errs[:, p] < errs.gather(1, best.view(-1, 1)).view(-1) * (1 - 1e-9)
                    best = torch.where(better, torch.full_like(best, p), best)
                shift = best.to(torch.float32).view(-1, 1, 1)
                codes[:, members, :] = four_bit(g, shift)
        return straight_through(w, (codes * scale).reshape(w.shape))


class FlexiqGraphModule(GraphModule):
    """The graph with int8 or 100%-4-bit emulation switched by {@code mode}: float, int8 or int4."""

    def __init__(self, graph, tensors, group, gen):
        super().__init__(graph, tensors, gen)
        self.load(tensors)
        self.group = group
        self.mode = "float"
        self.sites = {}
        self.captured = None
        nodes = {n["name"]: n for n in graph["nodes"]}
        readers = {}
        for n in graph["nodes"]:
            for i in n["inputs"]:
                readers.setdefault(i, []).append(n["name"])
        raw = {t["name"] for t in graph["inputs"]}

        def from_raw(tensor):
            while tensor in nodes and nodes[tensor]["layer"]["op"] in LAYOUT:
                tensor = nodes[tensor]["inputs"][0]
            return tensor in raw

        self.eligible = {n["name"] for n in graph["nodes"]
                         if (n["layer"]["op"] == "Linear" or (n["layer"]["op"] == "Conv2d" and n["layer"]["groups"] == 1))
                         and not from_raw(n["inputs"][0])}
        # BatchNorm folded into the convolution it alone reads, when that convolution has no other reader
        self.folded_bn = {}
        for n in graph["nodes"]:
            if n["layer"]["op"] == "BatchNorm":
                conv = n["inputs"][0]
                if conv in nodes and nodes[conv]["layer"]["op"] == "Conv2d" and readers.get(conv) == [n["name"]]:
                    self.folded_bn[conv] = n
        self.skipped = {bn["name"] for bn in self.folded_bn.values()}

    def calibrate(self, x):
        """Every tensor's int8 scale, and every site's groups and static shifts, from the float model on the
        calibration images."""
        mode, self.mode = self.mode, "float"
        self.captured, self.ranges = {}, {}
        with torch.no_grad():
            for i in range(0, len(x), 256):
                self.forward(x[i:i + 256])
        nodes = {n["name"]: n for n in self.graph["nodes"]}
        self.scales = {t["name"]: max(self.ranges[t["name"]], 1e-12) / 127 for t in self.graph["inputs"]}
        for n in self.graph["nodes"]:
            name, op = n["name"], n["layer"]["op"]
            if op in SCALE_KEEPING or name in self.skipped:
                self.scales[name] = self.scales[n["inputs"][0]]
            else:
                # a convolution with its BatchNorm folded in writes what the BatchNorm wrote
                measured = self.folded_bn[name]["name"] if name in self.folded_bn else name
                self.scales[name] = max(self.ranges[measured], 1e-12) / 127
        self.sites = {name: Site(torch.cat(parts), self.scales[name], self.group) for name, parts in self.captured.items()}
        self.captured = None
        self.mode = mode

    def forward(self, x):
        if self.captured is not None:
            self.ranges[self.graph["inputs"][0]["name"]] = max(self.ranges.get(self.graph["inputs"][0]["name"], 0), x.abs().max().item())
        elif self.mode != "float":
            x = self.int8(x, self.graph["inputs"][0]["name"])
        return super().forward(x)

    def int8(self, y, name):
        return fake_int8(y, self.scales[name])

    def folded(self, name, node):
        w = self.P(name, "weight")
        b = self.P(name, "bias") if node["layer"]["bias"] else torch.zeros(w.shape[0], device=w.device)
        bn = self.folded_bn.get(name)
        if bn is None:
            return w, b
        k = bn["name"]
        inv = self.P(k, "gamma") / torch.sqrt(self.B(k, "var") + bn["layer"]["eps"])
        return w * inv.view(-1, *([1] * (w.dim() - 1))), (b - self.B(k, "mean")) * inv + self.P(k, "beta")

    def layer(self, node, ins, n_batch):
        name, L = node["name"], node["layer"]
        if self.captured is not None:
            y = super().layer(node, ins, n_batch)
            self.ranges[name] = max(self.ranges.get(name, 0), y.abs().max().item())
            if name in self.eligible:
                self.captured.setdefault(node["inputs"][0], []).append(ins[0].detach())
            return y
        if self.mode == "float":
            return super().layer(node, ins, n_batch)
        # every tensor int8 at its scale, saturating as the integer model does
        return self.int8(self.quantized_layer(node, ins, n_batch), name)

    def quantized_layer(self, node, ins, n_batch):
        name, L = node["name"], node["layer"]
        if L["op"] not in ("Conv2d", "Linear", "BatchNorm"):
            return super().layer(node, ins, n_batch)
        if name in self.skipped:
            return ins[0]
        if L["op"] == "BatchNorm":
            return super().layer(node, ins, n_batch)
        w, b = self.folded(name, node)
        a = ins[0]
        site = self.sites.get(node["inputs"][0]) if name in self.eligible else None
        four = self.mode == "int4" and site is not None
        if site is not None:
            a, w = site.activation(a, four), site.weight(w, four)
        else:
            flat = w.reshape(w.shape[0], -1)
            scale = (flat.detach().abs().amax(dim=1).clamp_min(1e-12) / 127).view(-1, *([1] * (w.dim() - 1)))
            w = straight_through(w, torch.clamp(round_half_away(w.detach() / scale), -127, 127) * scale)
        if L["op"] == "Conv2d":
            return F.conv2d(a, w, b, (L["strideH"], L["strideW"]), (L["padH"], L["padW"]), L["dilation"], L["groups"])
        return F.linear(a, w, b)


def accuracy(model, mode, x, y, device):
    model.mode = mode
    return evaluate(model, x, y, device)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trained", help="a trained zoo model (.flx with float weights)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--name", help="the finetuned model's zoo name (its graph and metadata take it)")
    ap.add_argument("--group", type=int, default=64, help="channels per 4-bit group (G)")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-5)
    ap.add_argument("--temperature", type=float, default=2.0, help="distillation temperature")
    ap.add_argument("--distill", type=float, default=1.0, help="weight of the distillation loss beside cross-entropy")
    ap.add_argument("--calib", type=int, default=512, help="calibration images: the first N training images")
    ap.add_argument("--eval-every", type=int, default=0, help="steps: print int8 and 100%% 4-bit accuracy on the first 2,000 "
                    "test images every N steps (0: only after each epoch)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(args.seed)
    device = torch.device("cpu")

    header, tensors = read_flx(args.trained)
    model = FlexiqGraphModule(header["graph"], tensors, args.group, gen)
    model.eval()  # BatchNorm statistics stay frozen: the folded model uses them
    # the distillation teacher: the trained float model as it was, so the int8 path is held where it started
    teacher = FlexiqGraphModule(header["graph"], tensors, args.group, gen)
    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    xtr, ytr = load_split("train")
    xte, yte = load_split("t10k")
    calib = xtr[:args.calib]
    model.calibrate(calib)
    before = {m: accuracy(model, m, xte, yte, device) for m in ("float", "int8", "int4")}
    print("before: " + ", ".join(f"{m} {a:.4f}" for m, a in before.items()), flush=True)

    decay = [p for n, p in model.params.items() if p.dim() >= 2]
    no_decay = [p for n, p in model.params.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps = args.epochs * math.ceil(len(xtr) / args.batch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    t = args.temperature
    t0 = time.time()
    for epoch in range(args.epochs):
        model.calibrate(calib)
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for i in range(0, len(xtr), args.batch):
            idx = perm[i:i + args.batch]
            xb, yb = augment(xtr[idx], gen), ytr[idx]
            with torch.no_grad():
                target = F.softmax(teacher(xb) / t, 1)
            model.mode = "int8"
            out8 = model(xb)
            model.mode = "int4"
            out4 = model(xb)
            loss = sum(F.cross_entropy(out, yb, label_smoothing=0.1) + args.distill * t * t
                       * F.kl_div(F.log_softmax(out / t, 1), target, reduction="batchmean") for out in (out8, out4)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            step = i // args.batch + 1
            if args.eval_every and step % args.eval_every == 0:
                probe = {m: accuracy(model, m, xte[:2000], yte[:2000], device) for m in ("int8", "int4")}
                print(f"  step {step}: loss {loss.item():.4f}, first 2,000 test images: int8 {probe['int8']:.4f}, "
                      f"100% 4-bit {probe['int4']:.4f}", flush=True)
        model.calibrate(calib)
        accs = {m: accuracy(model, m, xte, yte, device) for m in ("int8", "int4")}
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(xtr):.4f}, test top-1 int8 {accs['int8']:.4f}, "
              f"100% 4-bit {accs['int4']:.4f}, {time.time() - t0:.0f} s", flush=True)

    after = {m: accuracy(model, m, xte, yte, device) for m in ("float", "int8", "int4")}
    print("after: " + ", ".join(f"{m} {a:.4f}" for m, a in after.items()), flush=True)
    meta = dict(header["metadata"])
    graph = dict(header["graph"])
    if args.name:
        meta["zoo.model"] = args.name
        graph["name"] = args.name
    meta.update({"finetune": f"dual forward pass (int8 and 100% 4-bit, G = {args.group}) by tools/finetune_fmnist.py",
                 "finetune.epochs": str(args.epochs), "finetune.lr": str(args.lr), "finetune.seed": str(args.seed),
                 "finetune.from": header["metadata"].get("zoo.model", ""),
                 "float.top1.fashion-mnist:test": f"{after['float']:.4f}"})
    model.mode = "float"
    write_flx(args.output, dict(header, graph=graph, metadata=meta), model.export([t["name"] for t in header["tensors"]]))
    print(f"wrote {args.output}: emulated test top-1 before/after: int8 {before['int8']:.4f} -> {after['int8']:.4f}, "
          f"100% 4-bit {before['int4']:.4f} -> {after['int4']:.4f}")


if __name__ == "__main__":
    sys.exit(main())
