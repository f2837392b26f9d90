#!/usr/bin/env bash
# Builds the base image the bot's container image starts from, out of Debian packages only, and
# writes it as a docker-archive tarball (the `docker save` layout) that Jib takes as
# `tar://.../preflight-base.tar`. No container daemon and no registry are involved.
#
#   sudo bash packaging/base-image/build.sh            # writes packaging/base-image/target/preflight-base.tar
#
# What is inside: Debian's minbase (dash for pg_ctl's /bin/sh, glibc, coreutils), Java 17's
# headless runtime, the CA certificates, and the user `preflight` (uid and gid 10001) that the
# image runs as, with /data owned by it for the embedded database. Needs root (debootstrap
# and chroot) and the debootstrap package. Takes a few minutes: it is not part of `mvn verify`.
#
# Settings: DEBIAN_SUITE (bookworm), DEBIAN_MIRROR (http://deb.debian.org/debian),
# OUT (the tarball to write), ARCH (dpkg architecture, default the machine's).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
arch="${ARCH:-$(dpkg --print-architecture)}"
out="${OUT:-$here/target/preflight-base.tar}"
uid=10001

if [ "$(id -u)" -ne 0 ]; then
  echo "build.sh: run as root (debootstrap and chroot need it)" >&2
  exit 2
fi
command -v debootstrap >/dev/null || { echo "build.sh: install debootstrap first (apt-get install -y debootstrap)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'umount "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "== debootstrap $suite ($arch) from $mirror"
debootstrap --variant=minbase --arch="$arch" \
  --include=openjdk-17-jre-headless,ca-certificates \
  "$suite" "$rootfs" "$mirror"

echo "== the runtime user and its data folder"
chroot "$rootfs" groupadd --gid "$uid" preflight
chroot "$rootfs" useradd --uid "$uid" --gid "$uid" --home-dir /data --no-create-home --shell /usr/sbin/nologin preflight
install -d -o "$uid" -g "$uid" -m 0750 "$rootfs/data"

echo "== trimming what a server never reads"
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
  "$rootfs"/var/log/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian "$rootfs"/tmp/* "$rootfs"/root/.cache
# the runtime's class-data-sharing archive stays; debootstrap's own leftovers go
rm -rf "$rootfs"/debootstrap
java_home="$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java" | sed "s|^$rootfs||")")")"

echo "== writing $out"
layer="$work/layer.tar"
tar --numeric-owner --sort=name --mtime='2000-01-01 00:00:00Z' -C "$rootfs" -cf "$layer" .
diff_id="$(sha256sum "$layer" | cut -d' ' -f1)"
goarch="$arch"
[ "$arch" = "arm64" ] && goarch="arm64"
[ "$arch" = "amd64" ] && goarch="amd64"
created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
config="$work/config.json"
cat > "$config" <<JSON
{"architecture":"$goarch","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"],
  "User":"$uid:$uid","WorkingDir":"/data"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"packaging/base-image/build.sh: debootstrap $suite minbase + openjdk-17-jre-headless"}]}
JSON
config_id="$(sha256sum "$config" | cut -d' ' -f1)"
pack="$work/pack"
mkdir -p "$pack/$diff_id"
mv "$layer" "$pack/$diff_id/layer.tar"
mv "$config" "$pack/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["preflight-base:%s"],"Layers":["%s/layer.tar"]}]\n' \
  "$config_id" "$suite" "$diff_id" > "$pack/manifest.json"
mkdir -p "$(dirname "$out")"
tar --numeric-owner -C "$pack" -cf "$out.partial" manifest.json "$config_id.json" "$diff_id"
mv "$out.partial" "$out"
echo "== done: $out ($(du -h "$out" | cut -f1), java at $java_home)"
