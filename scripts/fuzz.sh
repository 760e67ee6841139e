#!/usr/bin/env bash
# Runs the fuzz tests longer than CI does: N inputs per fuzz test (default 50000) from seed S (default CI's).
#   scripts/fuzz.sh [N] [S]
# Each prints its inputs, rejections, foreign exceptions (a failure prints the input as base64) and slowest input.
set -euo pipefail
cd "$(dirname "$0")/.."
export IMGBUILD_FUZZ_ITERATIONS="${1:-50000}"
[[ -n "${2:-}" ]] && export IMGBUILD_FUZZ_SEED="$2"
for project in Builder.Frontend.Tests Builder.Cache.Tests; do
    dotnet test "tests/$project" -c Release --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=detailed" \
        | grep -E "fuzz:|Passed!|Failed!|Failed |Exception" || true
done
