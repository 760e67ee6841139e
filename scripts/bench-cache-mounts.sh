#!/usr/bin/env bash
# What --cache-to …,cache-mounts=true saves a cold CI runner (issue 17, moby/buildkit#1474): a RUN that restores
# packages into a cache mount (skipping those already there, as dotnet restore or apt-get do) runs on a fresh store
# twice, once without and once with the cache mount restored from a registry cache a first runner exported.
# Offline: "downloading" a package is writing and compressing it. Run as root from the repository root:
#   REGISTRY=127.0.0.1:5077 scripts/bench-cache-mounts.sh
set -euo pipefail
IMGBUILD=${IMGBUILD:-dotnet src/Builder.Cli/bin/Release/net10.0/imgbuild.dll}
REGISTRY=${REGISTRY:-127.0.0.1:5077}
BASE=${BASE:-$REGISTRY/library/busybox:latest}
PACKAGES=${PACKAGES:-150}
work=$(mktemp -d /tmp/imgbuild-bench-cache-mounts.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/context"
cat > "$work/context/Dockerfile" <<DOCKERFILE
FROM $BASE
ARG REVISION
RUN --mount=type=cache,id=packages,target=/root/.packages sh -c 'fetched=0; \
  for p in \$(seq 1 $PACKAGES); do d=/root/.packages/pkg\$p; [ -f \$d/.restored ] && continue; mkdir -p \$d; \
    head -c 400000 /dev/urandom > \$d/lib.dll; gzip -9 -c \$d/lib.dll > \$d/pkg.nupkg; sha512sum \$d/pkg.nupkg > \$d/pkg.sha512; \
    touch \$d/.restored; fetched=\$((fetched+1)); done; \
  echo "revision \$REVISION: fetched \$fetched of $PACKAGES packages"; du -sh /root/.packages; ls /root/.packages | wc -l > /restored'
DOCKERFILE
cache="type=registry,ref=$REGISTRY/bench/cache-mounts:$(date +%s)"

build() { # store revision extra-args…
  local store=$1 revision=$2; shift 2
  local start end
  start=$(date +%s.%N)
  $IMGBUILD --root "$work/$store" build --progress=plain --build-arg "REVISION=$revision" "$@" "$work/context" > "$work/$store.log" 2>&1 \
    || { cat "$work/$store.log"; exit 1; }
  end=$(date +%s.%N)
  grep -E "fetched [0-9]+ of|exported [0-9]+ cache mounts|restored [0-9]+ cache mounts" "$work/$store.log" | sed "s/^/  [$store] /" >&2
  echo "$end - $start" | bc
}

echo "first runner: fills the cache mount and exports it ($cache,cache-mounts=true)"
seed=$(build runner-1 1 --cache-to "$cache,cache-mounts=true")
echo "cold runner without the cache mount (the RUN's input changed, so it runs):"
cold=$(build runner-2 2)
echo "cold runner with --cache-from (the cache mount is restored before the RUN):"
warm=$(build runner-3 2 --cache-from "$cache")
printf 'first runner %.1f s; cold runner without cache mounts %.1f s; cold runner with the restored cache mount %.1f s (%.1f s saved)\n' \
  "$seed" "$cold" "$warm" "$(echo "$cold - $warm" | bc)"
