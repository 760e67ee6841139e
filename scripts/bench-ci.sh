#!/usr/bin/env bash
# The CI scenario side by side with BuildKit (Docker 20.10's, with its inline cache, the registry cache it supports):
# a first pipeline builds and pushes with its cache; the next one starts from an empty store, one source file changed,
# imports the cache from the registry, rebuilds and pushes. Prints the time of the second pipeline and the bytes of
# blobs the registry sent it (from the registry's access log). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
IMGBUILD=${IMGBUILD:-$(bash scripts/publish-aot.sh)}
docker=/usr/bin/docker
work=$(mktemp -d /var/tmp/imgbuild-bench-ci.XXXX)
trap 'kill $registry 2>/dev/null || true; rm -rf "$work"' EXIT
bash scripts/make-busybox-image.sh "$work/busybox" >/dev/null
printf 'version: 0.1\nlog:\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: %s/registry\nhttp:\n  addr: 127.0.0.1:5057\n' "$work" > "$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry=$!
for _ in $(seq 50); do curl -fsS http://127.0.0.1:5057/v2/ >/dev/null 2>&1 && break; sleep 0.1; done
skopeo copy --quiet --dest-tls-verify=false "oci:$work/busybox:latest" docker://127.0.0.1:5057/bench/busybox:latest
"$docker" version >/dev/null 2>&1 || { (dockerd --iptables=false --bridge=none >/dev/null 2>&1 &); for _ in $(seq 60); do "$docker" version >/dev/null 2>&1 && break; sleep 1; done; }

reg=127.0.0.1:5057
mkdir -p "$work/app/src"
for i in $(seq 200); do echo "source $i" > "$work/app/src/f$i.c"; done
cat > "$work/app/Dockerfile" <<DOCKERFILE
FROM $reg/bench/busybox:latest AS deps
RUN mkdir /deps && dd if=/dev/urandom of=/deps/vendor.bin bs=1M count=16 2>/dev/null
FROM $reg/bench/busybox:latest
COPY --from=deps /deps /deps
WORKDIR /app
COPY src/ src/
RUN cat src/*.c | md5sum > /app/build.txt
DOCKERFILE

bytes_since() { tail -n +"$(( $1 + 1 ))" "$work/registry.log" | grep -oE '"GET /v2/[^ ]*/blobs/sha256:[0-9a-f]{64} HTTP/[0-9.]+" (200|206) [0-9]+' | awk '{s += $NF} END {print s + 0}'; }
seconds() { local start end; sync; sleep 8; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }

# First pipelines: build, push, leave a cache.
$IMGBUILD --root "$work/store-1" -t $reg/ours/app:1 --push --cache-to type=registry,ref=$reg/ours/cache:main,mode=max "$work/app" >/dev/null 2>&1
"$docker" builder prune -af >/dev/null 2>&1 || true
DOCKER_BUILDKIT=1 "$docker" build --network=host -q --build-arg BUILDKIT_INLINE_CACHE=1 -t $reg/theirs/app:1 "$work/app" >/dev/null
"$docker" push -q $reg/theirs/app:1 >/dev/null

# The next pipelines: an empty store (BuildKit: cache pruned, images removed), one source file changed.
echo "changed" >> "$work/app/src/f100.c"
"$docker" rmi -f $reg/theirs/app:1 >/dev/null 2>&1 || true
"$docker" builder prune -af >/dev/null 2>&1 || true
mark=$(wc -l < "$work/registry.log")
ours=$(seconds $IMGBUILD --root "$work/store-2" -t $reg/ours/app:2 --push --cache-from type=registry,ref=$reg/ours/cache:main --cache-to type=registry,ref=$reg/ours/cache:main,mode=max "$work/app")
ours_bytes=$(bytes_since "$mark")
mark=$(wc -l < "$work/registry.log")
theirs=$(seconds sh -c "DOCKER_BUILDKIT=1 $docker build --network=host -q --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from $reg/theirs/app:1 -t $reg/theirs/app:2 '$work/app' && $docker push -q $reg/theirs/app:2")
theirs_bytes=$(bytes_since "$mark")
printf '%-44s %12s %12s\n' "CI rebuild, cold store, 1 of 200 files edited" imgbuild buildkit
printf '%-44s %12.2f %12.2f\n' "time (s), build + push" "$ours" "$theirs"
printf '%-44s %12d %12d\n' "bytes of blobs pulled from the registry" "$ours_bytes" "$theirs_bytes"
"$docker" rmi -f $reg/theirs/app:1 $reg/theirs/app:2 >/dev/null 2>&1 || true
