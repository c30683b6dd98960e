#!/usr/bin/env bash
# Wall time of `sim run --scalesim-cfg CFG --topology CSV --ratio 0`, JVM start included, on SCALE-Sim v2's own
# topologies (validation/scalesim-v2/topologies) and ws arrays from 8x8 to 128x128 (its scale.cfg with the array changed).
# Prints one row per topology and array: the median and the fastest of N runs (default 5), in seconds.
# Usage: benchmarks/scalesim-wall.sh [N] [TOPOLOGY...]   (paths under validation/scalesim-v2/topologies)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
shift || true
topologies=("$@")
[[ ${#topologies[@]} -gt 0 ]] || topologies=(conv_nets/Resnet18.csv mlperf/Resnet50.csv GEMM_mnk/NCF.csv GEMM_mnk/transformer_partial.csv)
"$root/sim" --version >/dev/null   # builds the jar (and its class archive) when stale, outside the timings
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%-36s %8s %10s %10s\n' topology array median fastest
for t in "${topologies[@]}"; do
  for n in 8 16 32 64 128; do
    sed -e "s/^ArrayHeight:.*/ArrayHeight: $n/" -e "s/^ArrayWidth:.*/ArrayWidth: $n/" -e "s/^Dataflow : .*/Dataflow : ws/" \
        "$root/validation/scalesim-v2/scale.cfg" > "$work/ws$n.cfg"
    times=()
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N)
      "$root/sim" run --scalesim-cfg "$work/ws$n.cfg" --topology "$root/validation/scalesim-v2/topologies/$t" --ratio 0 >/dev/null
      times+=($(( $(date +%s%N) - t0 )))
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    awk -v t="$t" -v a="${n}x$n" -v m="${sorted[$((runs / 2))]}" -v f="${sorted[0]}" 'BEGIN { printf "%-36s %8s %10.2f %10.2f\n", t, a, m / 1e9, f / 1e9 }'
  done
done
