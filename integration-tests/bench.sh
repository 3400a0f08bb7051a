#!/usr/bin/env bash
# HeraldLB benchmarks on this machine. Not part of `mvn verify`.
#
#   sudo ./integration-tests/bench.sh speaker [options]   failover, hand-over, ARP latency, memory
#                                                         on a three-node network-namespace lab
#   sudo ./integration-tests/bench.sh compare [options]   HeraldLB against MetalLB (its own speaker and
#                                                         controller, built from its Go module) in one
#                                                         lab on the real control plane: failover,
#                                                         ARP latency, memory, 1,000 Services; results
#                                                         in integration-tests/target/bench/
#   ./integration-tests/bench.sh allocator                the IPAM core (JMH, against a naive scan),
#                                                         memory per assignment, and 1,000 Services
#                                                         against the mock API server (against a
#                                                         bare client in the same run)
#   ./integration-tests/bench.sh ops                      the operations endpoint: HeraldLB's Netty
#                                                         server against the Prometheus client's
#                                                         HTTPServer (start, memory, threads, latency)
#
# Each subcommand prints its own options with --help. Benchmarks that build a lab take the lab
# lock (/run/heraldlb-lab/helpers.lock), so that only one lab runs on the machine at a time.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# shellcheck source=lib.sh
. "$repo/integration-tests/lib.sh"

die() { echo "bench.sh: $*" >&2; exit 1; }
usage() {
  echo "usage: sudo $0 speaker [--help | options]" >&2
  echo "       sudo $0 compare [--help | options]" >&2
  echo "       $0 allocator" >&2
  echo "       $0 ops" >&2
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
    heraldlb_lab_java
    with_lab_lock "${lab_java[@]}" io.heraldlb.it.bench.SpeakerBenchmark "$@"
    ;;
  compare)
    [ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces, raw sockets): sudo $0 compare $*"
    [ "${BENCH_SKIP_BUILD:-}" = 1 ] || build
    GOTOOLCHAIN=local ./integration-tests/kube/build.sh >/dev/null
    GOTOOLCHAIN=local ./integration-tests/metallb/build.sh >/dev/null
    # The CPU saturation of the no-false-failover run; only this benchmark needs it.
    command -v stress-ng >/dev/null || {
      echo "bench.sh: installing stress-ng" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends stress-ng >/dev/null
    }
    heraldlb_lab_java
    with_lab_lock "${lab_java[@]}" io.heraldlb.it.bench.CompareBenchmark "$@"
    ;;
  ops)
    echo "bench.sh: building the ops endpoint benchmark" >&2
    mvn -B -q -DskipTests -Dspotless.check.skip=true -pl runtime -am test-compile \
      dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
    java -cp "runtime/target/test-classes:runtime/target/classes:$(cat runtime/target/bench.classpath)" \
      io.heraldlb.runtime.bench.OpsEndpointBenchmark
    ;;
  allocator)
    # The benchmarks live in the allocator's test classes; JMH forks JVMs with the same class path.
    echo "bench.sh: building the allocator's benchmarks" >&2
    mvn -B -q -DskipTests -Dspotless.check.skip=true -pl allocator -am test-compile \
      dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
    cp="allocator/target/test-classes:allocator/target/classes:$(cat allocator/target/bench.classpath)"
    echo "== IPAM core: release + allocate in a 99%-full /16 and an IPv6 /64 holding 100,000, naive scan alongside; re-seed of 10,000"
    java -cp "$cp" org.openjdk.jmh.Main IpamBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
    echo "== memory per assignment"
    java -cp "$cp" io.heraldlb.allocator.bench.IpamMemory
    echo "== 1,000 Services against the mock API server, and a bare client in the same run"
    java -cp "$cp" io.heraldlb.allocator.bench.EndToEndBenchmark 1000 2>&1 \
      | grep -E '^(pending|burst|baseline|end-to-end):'
    ;;
  help | --help | -h)
    usage
    ;;
  *)
    echo "bench.sh: unknown benchmark '$command'" >&2
    usage
    ;;
esac
