#!/usr/bin/env bash
# Issue 18's figures, on loopback: (1) 210 points on the thread pool against an embedded Hazelcast member, twice,
# alternating, with the point files compared; (2) 1,000 points on a coordinator and two worker processes, one
# worker killed with SIGKILL a third of the way and restarted, compared with the thread-pool sweep.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sim="$root/sim"
out="$(mktemp -d)"
trap 'pkill -f "sim.jar worker --join 127.0.0.1:59" || true; rm -rf "$out"' EXIT
cd "$out"
a=8x8,8x16,16x8,16x16,16x32,32x16,32x32,32x64,64x32,64x64,8x32,32x8,24x24,48x48
for i in 1 2; do
  /usr/bin/time -f "210 points, thread pool, run $i: %e s" "$sim" sweep fmnist-resnet --array $a --group 8,16,32 --out l$i --no-cluster >/dev/null
  /usr/bin/time -f "210 points, embedded member, run $i: %e s" "$sim" sweep fmnist-resnet --array $a --group 8,16,32 --out h$i >/dev/null
done
diff -r l1/points h1/points >/dev/null && echo "210 points: the same bytes on both paths"
b=""
for r in 4 8 12 16 20 24 28 32 40 48; do for c in 8 16 32 64; do b="$b,${r}x${c}"; done; done
b=${b:1}
"$sim" worker --join 127.0.0.1:5901,127.0.0.1:5920 --port 5910 --cluster-name bench --threads 1 >/dev/null 2>&1 &
w1=$!
"$sim" worker --join 127.0.0.1:5901,127.0.0.1:5910 --port 5920 --cluster-name bench --threads 1 >/dev/null 2>&1 &
sleep 4
/usr/bin/time -f "1000 points on 3 members: %e s" "$sim" sweep mlp --array $b --group 8,16,32,64,128 --out big --port 5901 \
  --cluster 127.0.0.1:5910,127.0.0.1:5920 --cluster-name bench --threads 1 &
s=$!
while [ "$(ls big/points 2>/dev/null | wc -l)" -lt 300 ]; do sleep 0.1; done
kill -9 $w1
echo "worker killed (SIGKILL) at $(ls big/points | wc -l) points; restarting it"
"$sim" worker --join 127.0.0.1:5901,127.0.0.1:5920 --port 5910 --cluster-name bench --threads 1 >/dev/null 2>&1 &
wait $s
"$sim" sweep mlp --array $b --group 8,16,32,64,128 --out local --no-cluster >/dev/null
diff -r big/points local/points >/dev/null && echo "1000 points: the same bytes as the thread-pool sweep ($(ls big/points | wc -l) files)"
