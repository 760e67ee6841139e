#!/usr/bin/env bash
# Runs every test project and ends with the line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test Builder.sln -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# VSTest prints one summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...".
summary=$(awk '
  /(Passed|Failed)! +- Failed: / {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
    n++ }
  END { printf "%d %d %d %d", p, f, s, n }' "$log")
read -r passed failed skipped assemblies <<<"$summary"
rm -f "$log"
if [ "$assemblies" -eq 0 ] && [ "$status" -ne 0 ]; then failed=$((failed + 1)); echo "test.sh: the build or test run failed before any test ran"; fi
[ "$skipped" -gt 0 ] && echo "test.sh: $skipped tests skipped: a skipped test is a missing test"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
