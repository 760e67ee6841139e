#!/usr/bin/env bash
# Installs what building and testing imgbuild needs on a fresh Debian machine (run as root).
# Idempotent: packages already present are left alone, and `apt-get update` runs at most once.
set -euo pipefail

# graphviz renders `imgbuild graph`; runc runs RUN steps; docker-registry, skopeo, umoci and docker.io are the real
# registry and the independent readers tests check our images with; busybox-static and debootstrap make base
# images; apache2-utils gives htpasswd for the registry's basic auth; pigz and zstd are the layer benchmark's baseline.
packages=(graphviz runc docker-registry skopeo umoci docker.io busybox-static debootstrap apache2-utils pigz zstd tar gzip ca-certificates curl bc openssh-client git)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK (dotnet) is not on PATH; install it first" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: ready (${packages[*]})"
