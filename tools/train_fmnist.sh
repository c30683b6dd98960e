#!/usr/bin/env bash
# Reproduces the trained Fashion-MNIST zoo models committed under workloads/src/main/resources.
# Needs (Debian): python3-torch python3-numpy libopenblas0-pthread dataset-fashion-mnist.
# Without OpenBLAS, Debian's torch uses the reference BLAS and the ViT trains about 7x slower.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/workloads/src/main/resources/org/flexiq/workloads/zoo"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
"$root/sim" zoo export fmnist-resnet --synthetic -o "$tmp/fmnist-resnet.init.flx"
"$root/sim" zoo export fmnist-vit --synthetic -o "$tmp/fmnist-vit.init.flx"
/usr/bin/python3 "$root/tools/train_fmnist.py" "$tmp/fmnist-resnet.init.flx" --epochs 15 --seed 0 -o "$out/fmnist-resnet.flx"
/usr/bin/python3 "$root/tools/train_fmnist.py" "$tmp/fmnist-vit.init.flx" --epochs 15 --seed 0 -o "$out/fmnist-vit.flx"
