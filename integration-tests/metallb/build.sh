#!/usr/bin/env bash
# Builds MetalLB's own speaker and controller, of the module bench/go.mod pins (verified against
# bench/go.sum), into
#
#   ${HERALDLB_METALLB_CACHE:-~/.cache/heraldlb/metallb}/<metallb version>/bin/{speaker,controller}
#
# puts the CRDs of that same version (config/crd/bases) in <metallb version>/crds/, and prints the
# bin directory on its last line. The benchmark runs them in the lab beside HeraldLB. A no-op when
# both binaries are there and were built from this go.mod and go.sum.
#
# bench/ pins the newest release whose whole dependency graph the Go module proxy serves and that
# this Go builds; ../go.mod (the CRDs of crds.sh, for the switch rehearsal) may pin an older one.
# Built as MetalLB's Dockerfiles build them, static (CGO_ENABLED=0), here also -trimpath. Nothing
# of MetalLB is kept in the repository.
set -euo pipefail
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/bench"
start=$SECONDS
say() { echo "metallb/build.sh: [$((SECONDS - start)) s] $*" >&2; }
command -v go >/dev/null || { say "no go on PATH: install Go 1.26 or newer"; exit 1; }

module=go.universe.tf/metallb
version="$(go list -m -f '{{.Version}}' "$module")"
out="${HERALDLB_METALLB_CACHE:-${HOME}/.cache/heraldlb/metallb}/${version}/bin"
crds="$(dirname "$out")/crds"
stamp="$(sha256sum go.mod go.sum | sha256sum | cut -c1-16)"

# The CRDs the binaries of this version watch (0.16 adds ConfigurationState to 0.15's).
copy_crds() {
  local dir
  dir="$(go mod download -json "$module" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
  [ -d "$dir/config/crd/bases" ] || { say "no config/crd/bases in $dir"; exit 1; }
  rm -rf "$crds"
  mkdir -p "$crds"
  cp "$dir"/config/crd/bases/metallb.io_*.yaml "$crds/"
  chmod u+w "$crds"/*.yaml
  echo "$stamp" > "$crds/.made-from"
  say "$(ls "$crds"/*.yaml | wc -l) CRDs of MetalLB $version in $crds"
}

if [ -x "$out/speaker" ] && [ -x "$out/controller" ] \
    && [ "$(cat "$out/.made-from" 2>/dev/null)" = "$stamp" ]; then
  compgen -G "$crds/metallb.io_*.yaml" >/dev/null || copy_crds
  echo "$out"
  exit 0
fi
say "downloading $module@$version and what its speaker and controller import"
go mod download "$module"
for cmd in speaker controller; do
  [ "$(go list -f '{{.Name}}' "$module/$cmd")" = main ] \
    || { say "$module/$cmd of $version is no main package"; exit 1; }
done
say "building speaker and controller of MetalLB $version with $(go env GOVERSION)"
rm -rf "$out"
mkdir -p "$out"
go build -trimpath -o "$out/" "$module/speaker" "$module/controller"
echo "$stamp" > "$out/.made-from"
copy_crds
say "built $(cd "$out" && du -h speaker controller | tr '\t\n' ' ')in $out"
echo "$out"
