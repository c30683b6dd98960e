#!/usr/bin/env bash
# Packs what `sim gpu` needs on a lent GPU machine, which has the CUDA driver but no Java: the shaded CLI jar
# and a Java runtime cut down by jlink to the modules the GPU commands use (java.desktop, which only the
# charts need, is left out). The device tool carries at most 64 MiB with the working tree, and jar plus
# runtime are over 80 MB, so both travel as one xz archive (build/device/bundle.tar.xz, ignored by git): the
# jar's entries are stored uncompressed inside it so that xz, not deflate, compresses the classes; JCuda's
# natives other than the driver API's (NVRTC, the PTX compiler, the runtime API) are dropped, since
# CudaDevice uses only the driver API; libjvm.so is stripped. On the device:
#   mkdir -p /tmp/sim && tar xJf build/device/bundle.tar.xz -C /tmp/sim
#   /tmp/sim/jre/bin/java -Djava.awt.headless=true -jar /tmp/sim/sim.jar gpu ...
# gpu-backend/README.md shows the whole run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/build/device"
(cd "$root" && mvn -q -B -Dmaven.test.skip=true -pl cli -am package)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes" "$work/bundle"
(cd "$work/classes" && unzip -q "$root/cli/target/sim.jar" -x 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*')
jar --create --no-compress --file "$work/bundle/sim.jar" --manifest "$work/classes/META-INF/MANIFEST.MF" -C "$work/classes" .
jlink --add-modules java.base,java.sql,jdk.unsupported --compress=2 --strip-debug --no-header-files --no-man-pages --output "$work/bundle/jre"
strip --strip-unneeded "$work/bundle/jre/lib/server/libjvm.so"
# the runtime must start the CLI without a display or the charts' module
"$work/bundle/jre/bin/java" -Djava.awt.headless=true -jar "$work/bundle/sim.jar" gpu --help >/dev/null
rm -rf "$out"
mkdir -p "$out"
tar cf - -C "$work/bundle" . | xz -T2 -6 >"$out/bundle.tar.xz"
du -sh "$out"
