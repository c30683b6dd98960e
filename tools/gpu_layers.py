#!/usr/bin/env python3
"""On a machine with an NVIDIA GPU and PyTorch: times the kernels that are not GEMMs, which the GPU timing model prices by
DRAM traffic and launch overhead (gpu-backend/README.md, "Measured"), so that its launch overhead and achieved bandwidth can be
fitted to a real device. CSV on stdout: what, shape, dtype, bytes moved, median microseconds (CUDA events, after warm-up).

  python3 tools/gpu_layers.py > layers.csv

Measured: an empty launch; device-to-device copies from 4 KiB to 1 GiB (time = fixed + bytes / bandwidth); ViT-B/16's
non-GEMM layers at batch 16 (LayerNorm, softmax over the attention scores, GELU, the residual add) in fp16 and, where PyTorch
has one, int8; the attention products as batched GEMMs; and the whole ViT-B/16 in fp16 (timm, random weights), eager and as
a CUDA graph, for the gap between the sum of kernels and a model's latency."""
import statistics
import sys

import torch


def median_us(fn, warmup=3, samples=9, burst=20, graph=True):
    """Median over samples of one burst of `burst` calls, per call. The burst is replayed as a CUDA graph where it can be
    captured, so that Python's launch cost (tens of microseconds) does not leave the GPU idle between kernels; a lone launch
    timed by events counts the launch latency too (empty_launch_lone: samples of one eager call)."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    run = lambda: [fn() for _ in range(burst)]
    if graph:
        try:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                fn()
            torch.cuda.current_stream().wait_stream(side)
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                for _ in range(burst):
                    fn()
            run = g.replay
        except Exception as e:
            print(f"# no CUDA graph ({type(e).__name__}): eager burst", file=sys.stderr)
    run()
    torch.cuda.synchronize()
    times = []
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(samples):
        start.record()
        run()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) * 1000.0 / burst)
    return statistics.median(times)


def row(what, shape, dtype, nbytes, us):
    print(f"{what},{'x'.join(map(str, shape))},{dtype},{nbytes},{us:.3f}", flush=True)


def guarded(name, fn):
    try:
        fn()
    except Exception as e:  # one failed measurement must not lose the others
        print(f"# {name} failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)


def main():
    dev = torch.device("cuda")
    torch.manual_seed(0)
    print(f"# {torch.cuda.get_device_name(0)}, torch {torch.__version__}, "
          f"{torch.cuda.get_device_properties(0).multi_processor_count} SMs", file=sys.stderr)
    print("what,shape,dtype,bytes,median_us")

    def launch():
        x = torch.zeros(1, device=dev)
        row("empty_launch_lone", [1], "fp32", 8, median_us(lambda: x.add_(0), samples=50, burst=1, graph=False))
        row("empty_launch_eager_burst", [1], "fp32", 8, median_us(lambda: x.add_(0), graph=False))
        row("empty_launch_graph", [1], "fp32", 8, median_us(lambda: x.add_(0)))
    guarded("launch", launch)

    def copies():
        for log2 in range(12, 31, 2):  # up to 1 GiB: far past the 60 MB L2
            n = 1 << log2
            a = torch.empty(n, dtype=torch.uint8, device=dev)
            b = torch.empty_like(a)
            row("copy", [n], "u8", 2 * n, median_us(lambda: b.copy_(a), burst=20 if n < (1 << 28) else 3))
            del a, b
    guarded("copies", copies)

    tokens, dim, heads, hidden = 16 * 197, 768, 12, 3072

    def vit_layers():
        for dt, name in ((torch.float16, "fp16"),):
            x = torch.randn(tokens, dim, device=dev, dtype=dt)
            ln = torch.nn.LayerNorm(dim, device=dev, dtype=dt)
            row("layernorm", [tokens, dim], name, 2 * x.numel() * x.element_size(), median_us(lambda: ln(x)))
            s = torch.randn(16, heads, 197, 197, device=dev, dtype=dt)
            row("softmax", list(s.shape), name, 2 * s.numel() * s.element_size(), median_us(lambda: torch.softmax(s, -1)))
            h = torch.randn(tokens, hidden, device=dev, dtype=dt)
            row("gelu", [tokens, hidden], name, 2 * h.numel() * h.element_size(), median_us(lambda: torch.nn.functional.gelu(h)))
            y = torch.randn(tokens, dim, device=dev, dtype=dt)
            row("add", [tokens, dim], name, 3 * x.numel() * x.element_size(), median_us(lambda: x + y))
            q = torch.randn(16 * heads, 197, 64, device=dev, dtype=dt)
            k = torch.randn(16 * heads, 64, 197, device=dev, dtype=dt)
            row("bmm_qk", [16 * heads, 197, 197, 64], name, (q.numel() + k.numel() + s.numel()) * 2, median_us(lambda: torch.bmm(q, k)))
            p = torch.randn(16 * heads, 197, 197, device=dev, dtype=dt)
            row("bmm_pv", [16 * heads, 197, 64, 197], name, (p.numel() + 2 * q.numel()) * 2, median_us(lambda: torch.bmm(p, q)))
        xi = torch.randint(-128, 127, (tokens, dim), device=dev, dtype=torch.int8)
        yi = torch.randint(-128, 127, (tokens, dim), device=dev, dtype=torch.int8)
        row("add", [tokens, dim], "int8", 3 * xi.numel(), median_us(lambda: xi + yi))
        hi = torch.randint(-128, 127, (tokens, hidden), device=dev, dtype=torch.int8)
        lut = torch.randint(-128, 127, (256,), device=dev, dtype=torch.int8)
        row("lut_gather", [tokens, hidden], "int8", 2 * hi.numel(), median_us(lambda: lut[hi.long() + 128]))
    guarded("vit layers", vit_layers)

    def int8_gemms():
        a = torch.randint(-128, 127, (tokens, dim), device=dev, dtype=torch.int8)
        for n, k in ((3 * dim, dim), (dim, dim), (hidden, dim), (dim, hidden)):
            a = torch.randint(-128, 127, (tokens, k), device=dev, dtype=torch.int8)
            w = torch.randint(-128, 127, (k, n), device=dev, dtype=torch.int8)
            row("int_mm", [tokens, n, k], "int8", tokens * k + k * n + 4 * tokens * n, median_us(lambda: torch._int_mm(a, w)))
    guarded("int8 gemms", int8_gemms)

    def whole_vit():
        import timm
        m = timm.create_model("vit_base_patch16_224", pretrained=False).to(dev).half().eval()
        x = torch.randn(16, 3, 224, 224, device=dev, dtype=torch.float16)
        with torch.no_grad():
            row("vit_b16_eager", [16, 3, 224, 224], "fp16", 0, median_us(lambda: m(x), burst=3, graph=False))
            row("vit_b16_graph", [16, 3, 224, 224], "fp16", 0, median_us(lambda: m(x), burst=3))
    guarded("whole vit", whole_vit)


if __name__ == "__main__":
    main()
