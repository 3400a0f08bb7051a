#!/usr/bin/env bash
# Builds promtool from the Prometheus module go.mod pins (verified against go.sum) into
#
#   ${HERALDLB_PROMTOOL_CACHE:-~/.cache/heraldlb/promtool}/<prometheus version>/promtool
#
# and prints its path on the last line. The alert-rule tests run it. A no-op when it is there and
# was built from this go.sum.
set -euo pipefail
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
say() { echo "promtool/build.sh: $*" >&2; }
command -v go >/dev/null || { say "no go on PATH: install Go 1.26 or newer"; exit 1; }

version="$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus)"
out="${HERALDLB_PROMTOOL_CACHE:-${HOME}/.cache/heraldlb/promtool}/${version}"
stamp="$(sha256sum go.mod go.sum | sha256sum | cut -c1-16)"
if [ -x "$out/promtool" ] && [ "$(cat "$out/.made-from" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/promtool"
  exit 0
fi
say "building promtool of github.com/prometheus/prometheus@$version"
start=$SECONDS
mkdir -p "$out"
go build -trimpath -o "$out/promtool" github.com/prometheus/prometheus/cmd/promtool
echo "$stamp" > "$out/.made-from"
say "built in $((SECONDS - start)) s: $("$out/promtool" --version 2>&1 | head -1)"
echo "$out/promtool"
