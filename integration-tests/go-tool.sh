#!/usr/bin/env bash
# Builds one command of a Go module that the calling directory's go.mod pins (verified against its
# go.sum) into
#
#   ${HERALDLB_TOOL_CACHE:-~/.cache/heraldlb}/<name>/<module version>/<name>
#
# and prints its path on the last line; a no-op when it is there and was built from that go.sum.
# Used by promtool/build.sh and helm/build.sh:
#
#   go-tool.sh NAME MODULE PACKAGE [LDFLAGS]   (LDFLAGS may name $version, the module's version)
set -euo pipefail
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

name="$1" module="$2" package="$3" ldflags="${4:-}"
say() { echo "$name/build.sh: $*" >&2; }
command -v go >/dev/null || { say "no go on PATH: install Go 1.26 or newer"; exit 1; }

version="$(go list -m -f '{{.Version}}' "$module")"
out="${HERALDLB_TOOL_CACHE:-${HOME}/.cache/heraldlb}/${name}/${version}"
stamp="$(sha256sum go.mod go.sum | sha256sum | cut -c1-16)"
if [ -x "$out/$name" ] && [ "$(cat "$out/.made-from" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/$name"
  exit 0
fi
say "building $name of $module@$version"
start=$SECONDS
mkdir -p "$out"
go build -trimpath -ldflags "${ldflags//\$version/$version}" -o "$out/$name" "$package"
echo "$stamp" > "$out/.made-from"
say "built in $((SECONDS - start)) s"
echo "$out/$name"
