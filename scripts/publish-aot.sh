#!/usr/bin/env bash
# Publishes imgbuild as a NativeAOT executable (no JIT at start-up: a no-op rebuild takes tens of milliseconds)
# to artifacts/imgbuild, or to the directory given as $1, and prints the executable's path. Needs the NativeAOT
# prerequisites: a C toolchain (clang or gcc) and zlib1g-dev (`bash scripts/install-deps.sh aot`).
# A publish takes minutes, so the directory keeps a stamp of what it was made from (imgbuild.source: a hash of every
# file under src/, the repository's build props and the SDK version); when the stamp matches this clone, the
# executable there is reused, otherwise it is published again. FORCE=1 always publishes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/imgbuild}
stamp() {
  { dotnet --version
    find src Directory.Build.props Directory.Packages.props -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
}
source=$(stamp)
if [ "${FORCE:-0}" != 1 ] && [ -x "$out/imgbuild" ] && [ "$(cat "$out/imgbuild.source" 2>/dev/null)" = "$source" ]; then
  echo "$out/imgbuild"
  exit 0
fi
rm -f "$out/imgbuild.source"
log=$(mktemp)
if ! dotnet publish src/Builder.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$out" --nologo -v quiet >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "publish-aot: dotnet publish failed (above); NativeAOT needs gcc or clang and zlib1g-dev: bash scripts/install-deps.sh aot" >&2
  exit 1
fi
rm -f "$log"
echo "$source" > "$out/imgbuild.source"
echo "$out/imgbuild"
