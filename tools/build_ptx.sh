#!/usr/bin/env bash
# Regenerates the PTX of the GPU path's kernel, committed as resources so that a machine with a GPU needs
# only the CUDA driver (its JIT compiles PTX for the device). nvcc 13 writes PTX ISA 9.0, which only CUDA 13
# drivers read; the kernel uses nothing newer than ISA 7.8 (sm_90 needs 7.8; mma .s4 needs 7.0, m8n8k32 on sm_75 6.5), so the
# header is rewritten to 7.8 and drivers from CUDA 11.8 on load it. CudaSourceTest checks the resources
# match this script's output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/gpu-backend/src/main/cuda/flexiq_gemm.cu"
out="$root/gpu-backend/src/main/resources/org/flexiq/gpubackend"
mkdir -p "$out"
nvcc -arch=sm_75 -DFLEXIQ_TURING -ptx "$src" -o - | sed -e 's/^\.version 9\.0$/.version 7.8/' -e '/^\/\/ Compiler Build ID/d' -e '/^\/\/ Cuda compilation tools/d' > "$out/flexiq_gemm.sm_75.ptx"
nvcc -arch=sm_80 -ptx "$src" -o - | sed -e 's/^\.version 9\.0$/.version 7.8/' -e '/^\/\/ Compiler Build ID/d' -e '/^\/\/ Cuda compilation tools/d' > "$out/flexiq_gemm.sm_80.ptx"
nvcc -arch=sm_90 -DFLEXIQ_WIDEN_INT4 -ptx "$src" -o - | sed -e 's/^\.version 9\.0$/.version 7.8/' -e '/^\/\/ Compiler Build ID/d' -e '/^\/\/ Cuda compilation tools/d' > "$out/flexiq_gemm.sm_90.ptx"
