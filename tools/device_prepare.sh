#!/usr/bin/env bash
# Here, before a lent GPU machine is used: makes what tools/device_check.sh needs there and the device tool carries
# (`carry: ["build/device", "build/shapes"]`): the bundle (tools/device_bundle.sh) and gemm_bench's shapes files, the
# tile model's fit shapes and every tensor-core GEMM of ResNet-50 (batch 1) and ViT-B/16 (batch 16, G = 32) at 0 / 50 /
# 100% 4-bit, from the same commands as the measurements committed under gpu-backend's resources/measured.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools/device_bundle.sh
mkdir -p build/shapes
cp tools/gemm_fit.shapes build/shapes/synthetic.shapes
./sim gpu resnet50 --ratio 0,0.5,1 --no-check --gemm-shapes build/shapes/r50.shapes >/dev/null
[[ -f build/vitb.q.flx ]] || ./sim quantize vit-b16 --group 32 --method greedy --calib synthetic:4 -o build/vitb.q.flx >/dev/null
./sim gpu build/vitb.q.flx --batch 16 --ratio 0,0.5,1 --no-check --gemm-shapes build/shapes/vitb16.shapes >/dev/null
du -sh build/device build/shapes
