#!/usr/bin/env bash
# Prints the parser's time for Dockerfiles of 1,250 to 20,000 instructions (see bench/Builder.Benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Builder.Benchmarks
