#!/usr/bin/env bash
# Remakes the golden files of testdata/parity (all cases, or those named) from a running reference BuildKit.
# It does not build or start BuildKit: README, "Parity with BuildKit", says how to make the reference (v0.24.0).
#   BUILDCTL=/path/to/buildctl BUILDKIT_HOST=unix:///path/buildkitd.sock PARITY_REGISTRY=127.0.0.1:5055 \
#     bash scripts/parity-goldens.sh [CASE...]
# PARITY_REGISTRY is a loopback registry the daemon reaches over plain http (http = true in its buildkitd.toml); the
# busybox fixture is pushed there. Each case is built twice (the second time without cache) and its golden is written
# only if both builds are described alike. Run as root (umoci keeps owners only then).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BUILDCTL:?set BUILDCTL to the reference buildctl}"
: "${BUILDKIT_HOST:?set BUILDKIT_HOST to the reference buildkitd socket, e.g. unix:///run/buildkit/buildkitd.sock}"
: "${PARITY_REGISTRY:?set PARITY_REGISTRY to a plain-http loopback registry the daemon uses, e.g. 127.0.0.1:5055}"
dotnet build tests/Builder.ParityGoldens -c Release --nologo -v q >/dev/null
exec dotnet tests/Builder.ParityGoldens/bin/Release/net10.0/Builder.ParityGoldens.dll \
  --buildctl "$BUILDCTL" --addr "$BUILDKIT_HOST" --registry "$PARITY_REGISTRY" "$@"
