#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds gemm_bench (gpu-backend/src/main/cuda/gemm_bench.cu) for the
# device and runs it on a shapes file written by `sim gpu MODEL --gemm-shapes FILE` (Java is not needed
# there: the shapes file can be made elsewhere and carried). CSV on stdout, a summary per ratio on stderr.
#   tools/gemm_bench.sh SHAPES            build for the GPU that nvidia-smi reports, then run
#   tools/gemm_bench.sh --build-only      build only (GEMM_BENCH_ARCH=sm_XX names the target without a GPU)
# (it picks -DFLEXIQ_WIDEN_INT4 on sm_90 and later, -DFLEXIQ_TURING on sm_75)
# cuBLASLt comes from CUBLAS_ROOT (a folder with include/cublasLt.h and lib/ or lib64/), else the CUDA
# toolkit (CUDA_HOME or /usr/local/cuda), else Python's nvidia-cublas wheel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -eq 1 ]] || { echo "usage: tools/gemm_bench.sh SHAPES | --build-only" >&2; exit 2; }
arch="${GEMM_BENCH_ARCH:-}"
if [[ -z "$arch" ]]; then
  cap="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1)"
  arch="sm_${cap/./}"
fi
major="${arch#sm_}"
major="${major%?}"
# Hopper and later datacenter GPUs have no int4 tensor-core MMA: the kernel widens 4-bit codes to int8 there
defines=()
if (( major >= 9 )); then defines=(-DFLEXIQ_WIDEN_INT4); fi
# Turing has only the 8 x 8 integer MMAs
if (( major == 7 )); then defines=(-DFLEXIQ_TURING); fi
candidates=()
if [[ -n "${CUBLAS_ROOT:-}" ]]; then candidates+=("$CUBLAS_ROOT"); fi
candidates+=("${CUDA_HOME:-/usr/local/cuda}")
wheel="$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])' 2>/dev/null || true)"
if [[ -n "$wheel" ]]; then candidates+=("$wheel/cu13" "$wheel/cublas"); fi
inc=""
for c in "${candidates[@]}"; do
  if [[ -f "$c/include/cublasLt.h" ]]; then inc="$c/include"; base="$c"; break; fi
done
[[ -n "$inc" ]] || { echo "gemm_bench: cublasLt.h not found in ${candidates[*]} (set CUBLAS_ROOT)" >&2; exit 2; }
lib=""
so=""
for d in "$base/lib64" "$base/lib"; do
  for f in "$d"/libcublasLt.so "$d"/libcublasLt.so.[0-9]*; do
    if [[ -z "$so" && -f "$f" ]]; then lib="$d"; so="$(basename "$f")"; fi
  done
done
[[ -n "$so" ]] || { echo "gemm_bench: no libcublasLt.so in $base/lib64 or $base/lib" >&2; exit 2; }
mkdir -p "$root/build"
bin="$root/build/gemm_bench"
nvcc -O3 -std=c++17 -arch="$arch" "${defines[@]}" -I"$inc" -L"$lib" "-l:$so" -Xlinker -rpath="$lib" -o "$bin" \
  "$root/gpu-backend/src/main/cuda/gemm_bench.cu"
if [[ "$1" == "--build-only" ]]; then echo "built $bin for $arch ${defines[*]}" >&2; exit 0; fi
exec "$bin" "$1"
