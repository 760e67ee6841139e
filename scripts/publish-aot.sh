#!/usr/bin/env bash
# Publishes imgbuild as a NativeAOT executable (no JIT at start-up: a no-op rebuild takes tens of milliseconds)
# to artifacts/imgbuild, or to the directory given as $1. Needs the NativeAOT prerequisites: a C toolchain (clang or gcc) and zlib1g-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/imgbuild}
dotnet publish src/Builder.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$out" --nologo -v quiet >/dev/null
echo "$out/imgbuild"
