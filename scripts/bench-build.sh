#!/usr/bin/env bash
# Build times side by side with the Docker engine's BuildKit on the team's shared scenarios (../shared/bench: small,
# no-op, edit-rebuild, big context, parallel stages, parallel CPU, apt, 50 layers), the two builders alternating
# scenario by scenario in one run, and the ratio table. Run as root; the harness makes its own daemon, registry and
# filesystem and says where its results and logs go.
#   N=3 bash scripts/bench-build.sh                 # medians of 3 (the README's table)
#   BENCH_OUTPUT=oci N=3 bash scripts/bench-build.sh # also time writing an OCI archive
# imgbuild is the NativeAOT executable from scripts/publish-aot.sh; IMGBUILD=path times another one.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=$(cd .. && pwd)/shared/bench
[ -x "$bench/compare.sh" ] || { echo "bench-build: the shared harness is expected at $bench (../shared/bench beside the clone)" >&2; exit 1; }
bash scripts/install-deps.sh >/dev/null
export IMGBUILD=${IMGBUILD:-$(bash scripts/publish-aot.sh "$PWD/artifacts/imgbuild")}
export N=${N:-3}
bash "$bench/setup.sh"
exec bash "$bench/compare.sh" --run docker imgbuild
