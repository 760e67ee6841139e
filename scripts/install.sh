#!/usr/bin/env bash
# Installs the imgbuild command from this clone: the packages it runs with (runc, git…) as install-deps.sh installs
# them, then the NativeAOT executable (scripts/publish-aot.sh: a few minutes the first time, reused while src/ is
# unchanged) copied to PREFIX/bin/imgbuild. PREFIX is /usr/local as root, ~/.local otherwise.
#   bash scripts/install.sh [--prefix DIR]        (or PREFIX=DIR bash scripts/install.sh)
# Prints the installed path; says so when PREFIX/bin is not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then prefix=${PREFIX:-/usr/local}; else prefix=${PREFIX:-${HOME:?}/.local}; fi
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install: unknown argument '$1' (usage: install.sh [--prefix DIR])" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix/bin"
prefix=$(cd "$prefix" && pwd)

if [ "$(id -u)" = 0 ]; then
  bash scripts/install-deps.sh runtime aot >&2
else
  # Packages need root; imgbuild itself does too for RUN steps (runc), but it can be installed for a user.
  bash scripts/install-deps.sh runtime aot >&2 || echo "install: continuing; building needs the packages above" >&2
fi
published=$(bash scripts/publish-aot.sh)
# Copied next to the target and renamed over it, so a running imgbuild is never overwritten in place.
install -m 0755 "$published" "$prefix/bin/.imgbuild.new"
mv -f "$prefix/bin/.imgbuild.new" "$prefix/bin/imgbuild"
echo "install: $("$prefix/bin/imgbuild" --version | head -n1) in $prefix/bin/imgbuild" >&2
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install: $prefix/bin is not on PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" >&2 ;;
esac
echo "$prefix/bin/imgbuild"
