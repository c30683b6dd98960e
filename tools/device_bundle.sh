#!/usr/bin/env bash
# Packs what `sim gpu` needs on a lent GPU machine, which has the CUDA driver but no Java: the shaded CLI jar
# and a Java runtime cut down by jlink to the modules the GPU commands use (java.desktop, which only the
# charts need, is left out so the bundle and the working tree stay under the device tool's 64 MiB). The
# bundle lands in build/device/ (ignored by git); carry that path. gpu-backend/README.md shows the run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/build/device"
(cd "$root" && mvn -q -B -DskipTests -pl cli -am package)
rm -rf "$out"
mkdir -p "$out"
cp "$root/cli/target/sim.jar" "$out/sim.jar"
jlink --add-modules java.base,java.sql,jdk.unsupported --compress=2 --strip-debug --no-header-files --no-man-pages --output "$out/jre"
# the runtime must start the CLI without a display or the charts' module
"$out/jre/bin/java" -Djava.awt.headless=true -jar "$out/sim.jar" gpu --help >/dev/null
du -sh "$out"
