#!/usr/bin/env bash
# On a lent GPU machine, from the repository root, with build/device and build/shapes carried (tools/device_prepare.sh
# made them): every GPU check of gpu-backend/README.md in one call, each step under its own time limit so that one
# hang cannot spend the machine's budget: the limits add up to 570 s, under the device tool's 600 s for one call.
# Everything lands in $OUT; steps.txt lists each step's exit status (124: it hit its limit) and seconds.
#   CudaDeviceTest             the kernels against the emulation, bit for bit (cuda-device-test.txt)
#   sim gpu                    every layer's kernels of two zoo models on the device, MEASURED beside MODELLED (sim-gpu.txt)
#   gemm_bench                 the FlexiQ kernel and cuBLASLt on the fit's, ResNet-50's and ViT-B/16's GEMMs (SET.csv)
#   gpu_layers.py              launches, copies and ViT-B/16's other layers with PyTorch (layers.csv), where it is installed
set -uo pipefail
out="${OUT:?set OUT to the folder that comes back}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
step() {
  local name="$1" limit="$2" start rc
  shift 2
  start="$(date +%s)"
  timeout "$limit" "$@"
  rc=$?
  echo "$name rc=$rc $(( $(date +%s) - start ))s" >>"$out/steps.txt"
  return 0
}
step nvidia-smi 20 bash -c 'nvidia-smi >"$0/nvidia-smi.txt" 2>&1' "$out"
step unpack 60 bash -c 'mkdir -p /tmp/sim && tar xJf build/device/bundle.tar.xz -C /tmp/sim'
step cuda-device-test 60 bash -c '/tmp/sim/tests/run CudaDeviceTest >"$0/cuda-device-test.txt" 2>&1' "$out"
step sim-gpu 100 bash -c 'for m in fmnist-resnet-wide fmnist-vit-wide; do
    /tmp/sim/jre/bin/java -Djava.awt.headless=true -jar /tmp/sim/sim.jar gpu $m --ratio 0,0.5,1 --gpu h200; done >"$0/sim-gpu.txt" 2>&1' "$out"
step gemm-bench-build 90 bash -c 'tools/gemm_bench.sh --build-only >>"$0/bench.txt" 2>&1' "$out"
for set in synthetic r50 vitb16; do
  step "gemm-bench-$set" 60 bash -c 'build/gemm_bench "build/shapes/$1.shapes" >"$0/$1.csv" 2>>"$0/bench.txt"' "$out" "$set"
done
step gpu-layers 60 bash -c 'python3 tools/gpu_layers.py >"$0/layers.csv" 2>"$0/layers.err"' "$out"
cat "$out/steps.txt"
