#!/usr/bin/env bash
# Builds the base image HeraldLB's images start from, out of Debian packages alone: no registry.
#
#   deploy/image/base.sh ARCH [OUT]   # ARCH: amd64 or arm64; prints the image tar's path
#
# With OUT, the image tar is also linked (or copied) there: the `image` profile's fixed path.
#
# The filesystem is Debian bookworm's headless Java 17 runtime and libpcap (the speaker's portable
# transport), extracted by mmdebstrap without running any package script, so a foreign
# architecture needs no emulator. What those scripts would have made and the programs need is
# made here: /usr/bin/java, /tmp, the users root and nonroot (65532). No shell, no package
# manager, no public CA roots: the programs trust only the cluster's CA and the keys they are
# given. The result is a `docker save` archive (one gzip layer) for Jib's `tar://` base image.
#
# Cached by architecture and by this script's content under ${HERALDLB_CACHE:-~/.cache/heraldlb}.
# Needs root (or mmdebstrap's unshare mode), mmdebstrap, and a Debian mirror
# (HERALDLB_DEBIAN_MIRROR, default deb.debian.org).
set -euo pipefail

arch="${1:-}"
case "$arch" in
  amd64) multiarch=x86_64-linux-gnu ;;
  arm64) multiarch=aarch64-linux-gnu ;;
  *) echo "usage: $0 amd64|arm64 (got '${arch}')" >&2; exit 2 ;;
esac
suite=bookworm
mirror="${HERALDLB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages=openjdk-17-jre-headless,libpcap0.8
# Every file's time and the image's creation date, so one package set gives one image.
epoch="${SOURCE_DATE_EPOCH:-1767225600}" # 2026-01-01T00:00:00Z

key="$(sha256sum "$0" | cut -c1-12)"
out_dir="${HERALDLB_CACHE:-$HOME/.cache/heraldlb}/image-base/$key"
out="$out_dir/heraldlb-base-$arch.tar"
publish() {
  if [ -n "${2:-}" ]; then
    mkdir -p "$(dirname "$2")"
    ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"
  fi
  echo "$1"
}
if [ -s "$out" ]; then
  publish "$out" "${2:-}"
  exit 0
fi
command -v mmdebstrap >/dev/null || {
  echo "$0: mmdebstrap is needed (apt-get install mmdebstrap)" >&2
  exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/image" "$out_dir"

# The hook runs on the build host, after extraction (the extract variant has no customize phase),
# with the tree as $1.
cat >"$work/customize.sh" <<EOF
#!/bin/sh
set -eu
root="\$1"
rm -rf "\$root"/usr/share/doc "\$root"/usr/share/man "\$root"/usr/share/info \
  "\$root"/usr/share/locale "\$root"/usr/share/lintian "\$root"/var/cache/* "\$root"/var/lib/apt/lists/*
# The JRE links its trust store to the one ca-certificates-java would generate: none here.
rm -f "\$root"/usr/lib/jvm/java-17-openjdk-$arch/lib/security/cacerts
mkdir -p "\$root"/usr/bin "\$root"/tmp "\$root"/proc "\$root"/sys "\$root"/dev "\$root"/etc \
  "\$root"/home/nonroot
chmod 1777 "\$root"/tmp
ln -sf /usr/lib/jvm/java-17-openjdk-$arch/bin/java "\$root"/usr/bin/java
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin\n' >"\$root"/etc/passwd
printf 'root:x:0:\nnonroot:x:65532:\n' >"\$root"/etc/group
chown 65532:65532 "\$root"/home/nonroot
EOF
chmod +x "$work/customize.sh"

SOURCE_DATE_EPOCH="$epoch" mmdebstrap --quiet --variant=extract --arch="$arch" \
  --include="$packages" --aptopt='APT::Install-Recommends "false"' \
  --extract-hook="$work/customize.sh \"\$1\"" \
  "$suite" "$work/rootfs.tar" "$mirror" >&2

# One layer: the tree, gzipped; its diff_id is the digest of the uncompressed tar.
diff_id="sha256:$(sha256sum "$work/rootfs.tar" | cut -d' ' -f1)"
gzip -n -6 <"$work/rootfs.tar" >"$work/image/layer.tar.gz"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
jvm="/usr/lib/jvm/java-17-openjdk-$arch"
cat >"$work/image/config.json" <<EOF
{"architecture":"$arch","os":"linux","created":"$created",
 "config":{"Env":["PATH=$jvm/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$jvm","LANG=C.UTF-8"],
  "Labels":{"org.opencontainers.image.base.name":"debian:$suite","org.opencontainers.image.description":"Debian $suite $packages ($multiarch), extracted by HeraldLB's deploy/image/base.sh"}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"$created","created_by":"deploy/image/base.sh $arch: $packages"}]}
EOF
printf '[{"Config":"config.json","RepoTags":["localhost/heraldlb-base:%s-%s"],"Layers":["layer.tar.gz"]}]\n' \
  "$suite" "$arch" >"$work/image/manifest.json"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$work/image" \
  -cf "$work/base.tar" manifest.json config.json layer.tar.gz
mv "$work/base.tar" "$out"
publish "$out" "${2:-}"
