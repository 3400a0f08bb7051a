#!/usr/bin/env bash
# HeraldLB benchmarks on this machine. Not part of `mvn verify`.
#
#   sudo ./integration-tests/bench.sh speaker [options]   failover, hand-over, ARP latency, memory
#                                                         on a three-node network-namespace lab
#
# Each subcommand prints its own options with --help. Benchmarks that build a lab take the lab
# lock (/run/heraldlb-lab/helpers.lock), so that only one lab runs on the machine at a time.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
target="integration-tests/target"

die() { echo "bench.sh: $*" >&2; exit 1; }
usage() {
  echo "usage: sudo $0 speaker [--help | options]" >&2
  exit 2
}

build() {
  echo "bench.sh: building: mvn -B -q -DskipTests -Dspotless.check.skip=true package" >&2
  mvn -B -q -DskipTests -Dspotless.check.skip=true package
}

with_lab_lock() {
  mkdir -p /run/heraldlb-lab
  flock /run/heraldlb-lab/helpers.lock "$@"
}

command="${1:-}"
[ -n "$command" ] || usage
shift
case "$command" in
  speaker)
    [ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces, raw sockets): sudo $0 speaker $*"
    [ "${BENCH_SKIP_BUILD:-}" = 1 ] || build
    with_lab_lock java -cp "$target/classes:$(cat "$target/lab.classpath")" \
      -Dheraldlb.repo="$repo" -Dlogback.configurationFile="$repo/$target/classes/lab-logback.xml" \
      io.heraldlb.it.bench.SpeakerBenchmark "$@"
    ;;
  help | --help | -h)
    usage
    ;;
  *)
    echo "bench.sh: unknown benchmark '$command'" >&2
    usage
    ;;
esac
