#!/usr/bin/env bash
# Copies MetalLB's CRDs (config/crd/bases of the module go.mod pins, verified against go.sum) into
#
#   ${HERALDLB_METALLB_CACHE:-~/.cache/heraldlb/metallb}/<metallb version>/crds/
#
# and prints that directory on its last line. The lab installs them to rehearse a switch from
# MetalLB. A no-op when the directory is there and was made from this go.sum.
set -euo pipefail
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
say() { echo "metallb/crds.sh: $*" >&2; }
command -v go >/dev/null || { say "no go on PATH: install Go 1.26 or newer"; exit 1; }

version="$(go list -m -f '{{.Version}}' go.universe.tf/metallb)"
out="${HERALDLB_METALLB_CACHE:-${HOME}/.cache/heraldlb/metallb}/${version}/crds"
stamp="$(sha256sum go.mod go.sum | sha256sum | cut -c1-16)"
if [ "$(cat "$out/.made-from" 2>/dev/null)" = "$stamp" ]; then
  echo "$out"
  exit 0
fi
say "downloading go.universe.tf/metallb@$version for its CRDs"
dir="$(go mod download -json go.universe.tf/metallb | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
[ -d "$dir/config/crd/bases" ] || { say "no config/crd/bases in $dir"; exit 1; }
rm -rf "$out"
mkdir -p "$out"
cp "$dir"/config/crd/bases/metallb.io_*.yaml "$out/"
chmod u+w "$out"/*.yaml
echo "$stamp" > "$out/.made-from"
say "$(ls "$out"/*.yaml | wc -l) CRDs of MetalLB $version in $out"
echo "$out"
