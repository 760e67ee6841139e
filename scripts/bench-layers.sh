#!/usr/bin/env bash
# Layer writing throughput: imgbuild's gzip and zstd layers against `tar -c | gzip -6` and `tar -c | zstd -3` on
# the same Debian root filesystem, in one run (see bench/Builder.Benchmarks/LayerBenchmark.cs). Needs root.
# The rootfs (~200 MB) is made once with debootstrap and reused; without a reachable mirror, /usr is copied instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOTFS=${ROOTFS:-/var/tmp/imgbuild-bench-rootfs}
if [ ! -d "$ROOTFS" ]; then
  if debootstrap --variant=minbase bookworm "$ROOTFS.partial" >"$ROOTFS.log" 2>&1; then
    mv "$ROOTFS.partial" "$ROOTFS"
  else
    echo "debootstrap failed (see $ROOTFS.log): benchmarking a copy of /usr instead" >&2
    rm -rf "$ROOTFS.partial" && mkdir -p "$ROOTFS" && cp -a /usr "$ROOTFS/"
  fi
fi
dotnet run -c Release --project bench/Builder.Benchmarks -- layers "$ROOTFS"
