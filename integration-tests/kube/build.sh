#!/usr/bin/env bash
# Builds the upstream control plane the lab runs on — kube-apiserver, kube-controller-manager,
# kube-proxy, kubectl and etcd — from the Go module proxy, at the versions go.mod pins, into
#
#   ${HERALDLB_KUBE_CACHE:-~/.cache/heraldlb/kube}/<kubernetes version>/
#
# and prints that directory on its last line. A no-op when the directory is complete and was built
# from this go.sum. Uses the machine's Go only (GOTOOLCHAIN=local): the pinned release must build
# with it, or this fails instead of fetching another toolchain.
set -euo pipefail
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
say() { echo "kube/build.sh: $*" >&2; }
die() { say "$*"; exit 1; }

command -v go >/dev/null || die "no go on PATH: install Go 1.26 or newer"

version_of() { go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' "$1"; }
kube_version="$(version_of k8s.io/kubernetes)"
etcd_version="$(version_of go.etcd.io/etcd/server/v3)"
cache="${HERALDLB_KUBE_CACHE:-${HOME}/.cache/heraldlb/kube}/${kube_version}"
binaries=(kube-apiserver kube-controller-manager kube-proxy kubectl etcd)
stamp="$(sha256sum go.mod go.sum | sha256sum | cut -c1-16)"

complete() {
  [ "$(cat "$cache/.built-from" 2>/dev/null)" = "$stamp" ] || return 1
  for b in "${binaries[@]}"; do [ -x "$cache/$b" ] || return 1; done
}

if complete; then
  say "Kubernetes $kube_version and etcd $etcd_version already built in $cache"
  echo "$cache"
  exit 0
fi

say "building Kubernetes $kube_version and etcd $etcd_version with $(go env GOVERSION) into $cache"
say "(the first build takes a while on a small machine; later runs reuse $cache and Go's build cache)"
started=$(date +%s)
mkdir -p "$cache"
rm -f "$cache/.built-from"
staging="$cache/.staging"
rm -rf "$staging"
mkdir -p "$staging"

# The version every binary reports (kubectl version, /version). The module proxy knows the
# release's date, not its commit.
major="${kube_version#v}"; major="${major%%.*}"
minor="${kube_version#v*.}"; minor="${minor%%.*}"
date="$(go mod download -json "k8s.io/kubernetes@$kube_version" | sed -n 's/.*"Info": "\(.*\)",*/\1/p' \
  | xargs sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${date:-1970-01-01T00:00:00Z}"
done

# go build -v names each package as it compiles it; show a count instead of hundreds of lines.
progress() { # LABEL
  local n=0 line
  while IFS= read -r line; do
    case "$line" in
      *:*|"#"*) echo "$line" >&2 ;;  # an error, not a package name
      *) n=$((n + 1)); [ $((n % 200)) -eq 0 ] && say "$1: $n packages compiled ($(($(date +%s) - started)) s)" ;;
    esac
  done
  return 0
}

say "downloading modules"
go mod download
say "compiling kube-apiserver, kube-controller-manager, kube-proxy, kubectl"
go build -v -trimpath -ldflags "$ldflags" -o "$staging/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl 2> >(progress kubernetes)
say "compiling etcd"
go build -v -trimpath -ldflags "-s -w" -o "$staging/etcd" go.etcd.io/etcd/server/v3 2> >(progress etcd)
wait

for b in "${binaries[@]}"; do
  [ -x "$staging/$b" ] || die "$b was not built"
  mv -f "$staging/$b" "$cache/$b"
done
rmdir "$staging"
echo "$stamp" >"$cache/.built-from"
say "built in $(($(date +%s) - started)) s: $("$cache/kubectl" version --client 2>/dev/null | head -1), etcd $("$cache/etcd" --version | sed -n 's/^etcd Version: //p')"
echo "$cache"
