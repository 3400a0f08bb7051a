#!/usr/bin/env bash
# Builds helm from the Helm module go.mod pins (verified against go.sum) into
#
#   ${HERALDLB_HELM_CACHE:-~/.cache/heraldlb/helm}/<helm version>/helm
#
# and prints its path on the last line. The chart tests run it. A no-op when it is there and
# was built from this go.sum.
set -euo pipefail
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
say() { echo "helm/build.sh: $*" >&2; }
command -v go >/dev/null || { say "no go on PATH: install Go 1.26 or newer"; exit 1; }

version="$(go list -m -f '{{.Version}}' helm.sh/helm/v4)"
out="${HERALDLB_HELM_CACHE:-${HOME}/.cache/heraldlb/helm}/${version}"
stamp="$(sha256sum go.mod go.sum | sha256sum | cut -c1-16)"
if [ -x "$out/helm" ] && [ "$(cat "$out/.made-from" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/helm"
  exit 0
fi
say "building helm of helm.sh/helm/v4@$version"
start=$SECONDS
mkdir -p "$out"
# The version helm reports is set at link time, as its own Makefile does.
go build -trimpath -ldflags "-X helm.sh/helm/v4/internal/version.version=$version" -o "$out/helm" helm.sh/helm/v4/cmd/helm
echo "$stamp" > "$out/.made-from"
say "built in $((SECONDS - start)) s: $("$out/helm" version --short 2>&1 | head -1)"
echo "$out/helm"
