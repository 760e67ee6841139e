#!/usr/bin/env bash
# Build times side by side with the Docker engine's BuildKit (docker.io, DOCKER_BUILDKIT=1), in one run, on the
# busybox base served from a local docker-registry: a cold build, a no-op rebuild, and four independent stages
# that each sleep 2 s (imgbuild cannot build COPY yet, so the 2,000-file edit case is not measured). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
dotnet build src/Builder.Cli -c Release --nologo -v quiet >/dev/null
imgbuild() { dotnet src/Builder.Cli/bin/Release/net10.0/imgbuild.dll "$@"; }
docker=/usr/bin/docker
work=$(mktemp -d /var/tmp/imgbuild-bench-build.XXXX)
trap 'kill $registry 2>/dev/null || true; rm -rf "$work"' EXIT
bash scripts/make-busybox-image.sh "$work/busybox" >/dev/null
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s/registry\nhttp:\n  addr: 127.0.0.1:5056\n' "$work" > "$work/registry.yml"
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry=$!
for _ in $(seq 50); do curl -fsS http://127.0.0.1:5056/v2/ >/dev/null 2>&1 && break; sleep 0.1; done
skopeo copy --quiet --dest-tls-verify=false "oci:$work/busybox:latest" docker://127.0.0.1:5056/bench/busybox:latest
"$docker" version >/dev/null 2>&1 || { (dockerd --iptables=false --bridge=none >/dev/null 2>&1 &); for _ in $(seq 60); do "$docker" version >/dev/null 2>&1 && break; sleep 1; done; }

mkdir -p "$work/small" "$work/parallel"
printf 'FROM 127.0.0.1:5056/bench/busybox:latest\nWORKDIR /app\nRUN echo one > one && sleep 0.2\nRUN echo two > two\nCMD ["cat","one"]\n' > "$work/small/Dockerfile"
{
  echo 'FROM 127.0.0.1:5056/bench/busybox:latest AS base'
  for i in 1 2 3 4; do printf 'FROM base AS s%d\nRUN sleep 2 && echo %d > /r\n' "$i" "$i"; done
  echo 'FROM base'
  for i in 1 2 3 4; do printf 'RUN --mount=type=bind,from=s%d,target=/s%d cat /s%d/r\n' "$i" "$i" "$i"; done
} > "$work/parallel/Dockerfile"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
root="$work/store"
printf '%-34s %10s %10s\n' case imgbuild buildkit
printf '%-34s %10.2f %10.2f\n' "small cold build" \
  "$(seconds imgbuild --root "$root" -t bench:1 "$work/small")" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q -t bench:1 "$work/small")"
printf '%-34s %10.2f %10.2f\n' "no-op rebuild" \
  "$(seconds imgbuild --root "$root" -t bench:1 "$work/small")" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q -t bench:1 "$work/small")"
echo "four stages sleeping 2 s: needs RUN --mount=from (not supported yet by imgbuild); BuildKit alone:"
printf '%-34s %10s %10.2f\n' "four sleeping stages" "-" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q --no-cache -t bench:2 "$work/parallel")"
"$docker" rmi -f bench:1 bench:2 >/dev/null 2>&1 || true
