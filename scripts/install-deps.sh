#!/usr/bin/env bash
# Installs what imgbuild needs on a Debian machine (run as root), by group; no group means all of them:
#   runtime  what the imgbuild command runs: runc (RUN steps), git (ADD of git repositories), ssh, CA certificates
#   aot      what publishing it with NativeAOT needs (scripts/publish-aot.sh, scripts/install.sh): a C toolchain, zlib
#   test     what building and testing it needs besides (the registry, the Docker engine, independent readers…)
# Idempotent: packages already present are left alone, and `apt-get update` runs at most once.
#   bash scripts/install-deps.sh [runtime] [aot] [test]
set -euo pipefail

runtime=(runc git openssh-client ca-certificates)
aot=(gcc zlib1g-dev)
# graphviz renders `imgbuild graph`; docker-registry, skopeo, umoci and docker.io are the real registry and the
# independent readers tests check our images with; busybox-static and debootstrap make base images; apache2-utils
# gives htpasswd for the registry's basic auth; pigz and zstd are the layer benchmark's baseline.
test=(graphviz docker-registry skopeo umoci docker.io busybox-static debootstrap apache2-utils pigz zstd tar gzip curl bc)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(runtime aot test)
packages=()
for g in "${groups[@]}"; do
  case $g in
    runtime) packages+=("${runtime[@]}") ;;
    aot) packages+=("${aot[@]}") ;;
    test) packages+=("${test[@]}") ;;
    *) echo "install-deps: unknown group '$g' (runtime, aot or test)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK (dotnet) is not on PATH; install it first" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: ready (${packages[*]})"
