#!/usr/bin/env bash
# Prints conversion times for chains of 1k-16k stages and 1k-5k relative WORKDIRs (bench/Builder.Benchmarks),
# to show that conversion grows linearly with the Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Builder.Benchmarks -- conversion
