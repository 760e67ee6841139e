#!/usr/bin/env bash
# Build times side by side with the Docker engine's BuildKit (docker.io, DOCKER_BUILDKIT=1), in one run, on the
# busybox base served from a local docker-registry: a small cold build, a no-op rebuild, a rebuild after editing one
# of 2,000 context files, and four independent stages that each sleep 2 s. Run as root.
# imgbuild is the NativeAOT executable from scripts/publish-aot.sh; IMGBUILD=path times another one (for example
# IMGBUILD="dotnet src/Builder.Cli/bin/Release/net10.0/imgbuild.dll"). BuildKit's cache is pruned first, so both
# cold builds are cold. imgbuild runs the four sleeping stages with --jobs 4: its default is the number of cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
IMGBUILD=${IMGBUILD:-$(bash scripts/publish-aot.sh)}
imgbuild() { $IMGBUILD "$@"; }
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

"$docker" builder prune -af >/dev/null 2>&1 || true
mkdir -p "$work/small" "$work/parallel" "$work/files/src"
for i in $(seq 2000); do echo "file $i" > "$work/files/src/f$i.txt"; done
printf 'FROM 127.0.0.1:5056/bench/busybox:latest
WORKDIR /app
COPY src/ /app/src/
RUN ls /app/src | wc -l > /count
' > "$work/files/Dockerfile"
printf 'FROM 127.0.0.1:5056/bench/busybox:latest\nWORKDIR /app\nRUN echo one > one && sleep 0.2\nRUN echo two > two\nCMD ["cat","one"]\n' > "$work/small/Dockerfile"
{
  echo 'FROM 127.0.0.1:5056/bench/busybox:latest AS base'
  for i in 1 2 3 4; do printf 'FROM base AS s%d\nRUN sleep 2 && echo %d > /r\n' "$i" "$i"; done
  echo 'FROM base'
  for i in 1 2 3 4; do printf 'RUN --mount=type=bind,from=s%d,target=/s%d cat /s%d/r\n' "$i" "$i" "$i"; done
} > "$work/parallel/Dockerfile"

# Each timing starts after the disks are synced and 8 s of rest: file creation on this machine's ext4 (online discard)
# is several times slower for some seconds after large deletions, and neither builder should pay for the other's.
seconds() { local start end; sync; sleep 8; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
root="$work/store"
printf '%-34s %10s %10s\n' case imgbuild buildkit
printf '%-34s %10.2f %10.2f\n' "small cold build" \
  "$(seconds imgbuild --root "$root" -t bench:1 "$work/small")" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q -t bench:1 "$work/small")"
printf '%-34s %10.2f %10.2f\n' "no-op rebuild" \
  "$(seconds imgbuild --root "$root" -t bench:1 "$work/small")" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q -t bench:1 "$work/small")"
imgbuild --root "$root" -t bench:3 "$work/files" >/dev/null 2>&1
DOCKER_BUILDKIT=1 "$docker" build --network=host -q -t bench:3 "$work/files" >/dev/null 2>&1
echo "edited" >> "$work/files/src/f1000.txt"
printf '%-34s %10.2f %10.2f\n' "edit 1 of 2,000 files, rebuild" \
  "$(seconds imgbuild --root "$root" -t bench:3 "$work/files")" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q -t bench:3 "$work/files")"
printf '%-34s %10.2f %10.2f\n' "four stages sleeping 2 s" \
  "$(seconds imgbuild --root "$root" --no-cache --jobs 4 -t bench:2 "$work/parallel")" \
  "$(seconds env DOCKER_BUILDKIT=1 "$docker" build --network=host -q --no-cache -t bench:2 "$work/parallel")"
"$docker" rmi -f bench:1 bench:2 bench:3 >/dev/null 2>&1 || true
