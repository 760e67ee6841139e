#!/usr/bin/env bash
# The main job, offline: install imgbuild (scripts/install.sh: its packages and the NativeAOT executable in
# /usr/local/bin), make a busybox base image from Debian's busybox-static, serve it from a local docker-registry on
# 127.0.0.1:5055, and build testdata/examples/hello with the installed imgbuild. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
imgbuild=$(bash scripts/install.sh)
imgbuild() { "$imgbuild" "$@"; }

demo=/var/tmp/imgbuild-demo
mkdir -p "$demo"
[ -f "$demo/busybox/index.json" ] || bash scripts/make-busybox-image.sh "$demo/busybox" >/dev/null
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s/registry\nhttp:\n  addr: 127.0.0.1:5055\n' "$demo" > "$demo/registry.yml"
docker-registry serve "$demo/registry.yml" >"$demo/registry.log" 2>&1 &
registry=$!
trap 'kill $registry 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS http://127.0.0.1:5055/v2/ >/dev/null 2>&1 && break; sleep 0.1; done
skopeo copy --quiet --dest-tls-verify=false "oci:$demo/busybox:latest" docker://127.0.0.1:5055/library/busybox:latest

digest=$(imgbuild -t hello:1 testdata/examples/hello)
echo
echo "built hello:1 = $digest"
echo "run it:  imgbuild build --load -t hello:1 testdata/examples/hello && docker run --rm hello:1"
