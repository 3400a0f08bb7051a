#!/usr/bin/env bash
# The HeraldLB lab on this machine: a LAN in network namespaces, a client, nodes, a Kubernetes
# API, and HeraldLB's allocator and speakers running on it.
#
#   sudo ./integration-tests/lab.sh demo     one run: Service, EXTERNAL-IP, curl, failover, teardown
#   sudo ./integration-tests/lab.sh up       keep a lab running (prints how to use kubectl with it)
#   sudo ./integration-tests/lab.sh down     remove it
#
# Both take --kube=real: etcd, kube-apiserver, kube-controller-manager and kube-proxy on every
# node, built from their Go modules (kube/build.sh), instead of the embedded API server.
#
# The logic lives in io.heraldlb.it.lab.LabMain; this script installs what is missing, builds
# when needed, and runs it.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# shellcheck source=lib.sh
. "$repo/integration-tests/lib.sh"
target="$heraldlb_target"

die() { echo "lab.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces, veth links, raw sockets): sudo $0 $*"
command -v java >/dev/null || die "no java on PATH: install a JDK 17 or newer"

install_missing_packages() {
  heraldlb_install_packages || die "cannot install the lab's tools"
}

# Build when a jar or the lab's classes are missing, or sources are newer than them.
build_if_needed() {
  local stale=""
  stale_if() { # OUTPUT SOURCES...: note why OUTPUT needs a build
    local out="$1"; shift
    [ -n "$stale" ] && return
    if [ ! -e "$out" ]; then stale="$out is missing"; return; fi
    if [ -n "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]; then
      stale="sources changed since $out was built"
    fi
  }
  stale_if allocator/target/heraldlb-allocator.jar pom.xml config/pom.xml config/src runtime/pom.xml runtime/src allocator/pom.xml allocator/src
  stale_if speaker/target/heraldlb-speaker.jar pom.xml config/pom.xml config/src runtime/pom.xml runtime/src speaker/pom.xml speaker/src
  stale_if "$target/classes/io/heraldlb/it/lab/LabMain.class" integration-tests/pom.xml integration-tests/src
  [ -e "$target/lab.classpath" ] || stale="$target/lab.classpath is missing"
  if [ -n "$stale" ]; then
    command -v mvn >/dev/null || die "$stale, and there is no mvn to build it: install Maven"
    echo "lab.sh: building ($stale): mvn -B -q -DskipTests package"
    mvn -B -q -DskipTests package
  fi
}

# --kube=real: build the control plane first, here, so its progress shows on the terminal.
build_kube_if_real() {
  local prev="" a
  for a in "$@"; do
    if [ "$a" = "--kube=real" ] || { [ "$prev" = "--kube" ] && [ "$a" = "real" ]; }; then
      command -v go >/dev/null || die "--kube=real builds Kubernetes from its Go modules: install Go 1.26 or newer"
      GOTOOLCHAIN=local "$repo/integration-tests/kube/build.sh" >/dev/null
    fi
    prev="$a"
  done
}

lab_main() {
  heraldlb_lab_java
  exec "${lab_java[@]}" io.heraldlb.it.lab.LabMain "$@"
}

command="${1:-}"
case "$command" in
  demo)
    install_missing_packages
    build_if_needed
    build_kube_if_real "$@"
    lab_main "$@"
    ;;
  up)
    install_missing_packages
    build_if_needed
    build_kube_if_real "$@"
    mkdir -p "$target/lab-logs"
    log="$target/lab-logs/up-$(date +%Y%m%d-%H%M%S).log"
    # The lab lives as long as its JVM (the API server is in it): run that in the background and
    # come back when it says the lab is ready.
    heraldlb_lab_java
    setsid nohup "${lab_java[@]}" io.heraldlb.it.lab.LabMain "$@" >"$log" 2>&1 &
    pid=$!
    echo "lab.sh: starting the lab (pid $pid, output in $log)"
    while ! grep -q '^lab ready' "$log" 2>/dev/null; do
      if ! kill -0 "$pid" 2>/dev/null; then
        cat "$log" >&2
        die "the lab did not come up"
      fi
      sleep 0.2
    done
    sed '/^lab ready/d' "$log"
    ;;
  down | list | help | --help | -h)
    lab_main "$@"
    ;;
  *)
    echo "usage: sudo $0 demo|up|down|list [--nodes N] [--bare] [--kube=real|embedded]" >&2
    exit 2
    ;;
esac
