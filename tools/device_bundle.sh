#!/usr/bin/env bash
# Packs what `sim gpu` needs on a lent GPU machine, which has the CUDA driver but no Java: the shaded CLI jar
# and a Java runtime cut down by jlink to the modules the GPU commands use (java.desktop, which only the
# charts need, is left out). The device tool carries at most 64 MiB with the working tree, and jar plus
# runtime are over 80 MB, so both travel as one xz archive (build/device/bundle.tar.xz, ignored by git): the
# jar's entries are stored uncompressed inside it so that xz, not deflate, compresses the classes; JCuda's
# natives other than the driver API's (NVRTC, the PTX compiler, the runtime API) are dropped, since
# CudaDevice uses only the driver API, and so are the libraries only other commands use; libjvm.so is
# stripped. CudaDeviceTest travels too (gpu-backend's test classes, AssertJ and JUnit's console launcher
# under tests/), since the device has no Maven to run it. On the device:
#   mkdir -p /tmp/sim && tar xJf build/device/bundle.tar.xz -C /tmp/sim
#   /tmp/sim/jre/bin/java -Djava.awt.headless=true -jar /tmp/sim/sim.jar gpu ...
#   /tmp/sim/tests/run CudaDeviceTest
# gpu-backend/README.md shows the whole run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/build/device"
(cd "$root" && mvn -q -B -DskipTests -pl cli -am package)
# JUnit's console launcher has the platform's version, 1.x for Jupiter's 5.x
maven_property() { (cd "$root" && mvn -q -B -Dstyle.color=never help:evaluate -Dexpression="$1" -DforceStdout) | sed "s/\x1b\[[0-9;]*m//g"; }
junit="$(maven_property junit.version)"
assertj="$(maven_property assertj.version)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes" "$work/bundle"
# Hazelcast (half the jar) and JFreeChart serve `sim sweep --cluster` and the charts, never the GPU commands
(cd "$work/classes" && unzip -q "$root/cli/target/sim.jar" -x 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*' \
    'com/hazelcast/*' 'hazelcast-*' 'org/jfree/*')
jar --create --no-compress --file "$work/bundle/sim.jar" --manifest "$work/classes/META-INF/MANIFEST.MF" -C "$work/classes" .
mkdir -p "$work/bundle/tests"
cp -r "$root/gpu-backend/target/test-classes" "$work/bundle/tests/classes"
(cd "$root" && mvn -q -B dependency:copy -Dmdep.stripVersion=true -DoutputDirectory="$work/bundle/tests" \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:1.${junit#5.}" \
    && mvn -q -B dependency:copy -Dmdep.stripVersion=true -DoutputDirectory="$work/bundle/tests" -Dartifact="org.assertj:assertj-core:$assertj")
cat >"$work/bundle/tests/run" <<'RUN'
#!/usr/bin/env bash
# Runs gpu-backend test classes by simple name, e.g. `run CudaDeviceTest`, on the bundle's runtime; exits non-zero on a failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
select=()
for c in "$@"; do select+=(--select-class "org.flexiq.gpubackend.$c"); done
exec "$here/../jre/bin/java" -Djava.awt.headless=true -jar "$here/junit-platform-console-standalone.jar" execute \
    --class-path "$here/../sim.jar:$here/classes:$here/assertj-core.jar" --details=tree --disable-banner --disable-ansi-colors --fail-if-no-tests "${select[@]}"
RUN
chmod +x "$work/bundle/tests/run"
jlink --add-modules java.base,java.sql,jdk.unsupported --compress=2 --strip-debug --no-header-files --no-man-pages --output "$work/bundle/jre"
strip --strip-unneeded "$work/bundle/jre/lib/server/libjvm.so"
# the runtime must start the CLI without a display or the charts' module
"$work/bundle/jre/bin/java" -Djava.awt.headless=true -jar "$work/bundle/sim.jar" gpu fmnist-vit --ratio 0,1 >/dev/null
# and the device test, which here (no CUDA driver) takes its branch that says why
"$work/bundle/tests/run" CudaDeviceTest >/dev/null
rm -rf "$out"
mkdir -p "$out"
tar cf - -C "$work/bundle" . | xz -T2 -6 >"$out/bundle.tar.xz"
du -sh "$out"
