#!/usr/bin/env bash
# Makes a Java 17 base image from this machine's JDK, for building the services' images where no registry is
# reachable: a jlink'd runtime under /opt/java/openjdk plus the shared libraries it loads, as one layer, written in
# the format of `docker save`, which Jib takes as a base image with the tar:// prefix:
#
#   deploy/images/build-base-image.sh                       # -> deploy/images/target/base-image.tar
#   mvn -B -Pimages -DskipTests -Dimages.base=tar://$PWD/deploy/images/target/base-image.tar package
#
# Production images start from a maintained image instead (images.base, eclipse-temurin:17-jre by default): this one
# gets no security updates but those of the machine that built it.
# Needs: a JDK 17 with jmods (JAVA_HOME, or the one `java` runs), ldd, readelf, tar, sha256sum. About 15 s.
set -euo pipefail

out=$(realpath -m "${1:-"$(dirname "$0")/target/base-image.tar"}")
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
jlink="$java_home/bin/jlink"
[[ -x "$jlink" && -d "$java_home/jmods" ]] || { echo "no jlink and jmods under $java_home: set JAVA_HOME to a JDK 17" >&2; exit 2; }
version=$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ "$version" == 17 ]] || { echo "$java_home is Java $version; the services are built for 17" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
jre="$root/opt/java/openjdk"
mkdir -p "$root"

# What a Micronaut service with Kafka, JDBC, the AWS SDK and TLS uses, and the JDK's tools to look into a running JVM.
modules=java.se,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.unsupported,jdk.management,jdk.management.agent,jdk.jfr,\
jdk.zipfs,jdk.naming.dns,jdk.localedata,jdk.security.auth,jdk.security.jgss,jdk.net,jdk.httpserver,jdk.jcmd
"$jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$jre"

# Debian's JDK keeps its trust store and security files as links into /etc: put the files themselves in the image.
for f in "$jre"/lib/security/* "$java_home"/lib/security/*; do
  name=$(basename "$f")
  if [[ -L "$jre/lib/security/$name" || ! -e "$jre/lib/security/$name" ]]; then
    rm -f "$jre/lib/security/$name"
    cp -L "$java_home/lib/security/$name" "$jre/lib/security/$name"
  fi
done
for f in $(find "$jre/conf" -type l); do cp --remove-destination -L "$f" "$f"; done

# Every shared library the runtime's programs and libraries load, at the path the loader looks for it; but those of
# the desktop's windows, sound and splash screen (X11, ALSA), which a server never loads (headless AWT needs none).
copy() { mkdir -p "$root$(dirname "$1")"; cp -L "$1" "$root$1"; }
interpreter=$(readelf -l "$jre/bin/java" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
copy "$interpreter"
for elf in $(find "$jre" -type f \( -name '*.so' -o -perm -u+x \) \
               ! -name libawt_xawt.so ! -name libjsound.so ! -name libsplashscreen.so ! -name libjawt.so); do
  ldd "$elf" 2>/dev/null | awk '/=> \// { print $3 }'
done | sort -u | while read -r lib; do
  [[ "$lib" == "$jre"/* ]] || copy "$lib"
done
# loaded with dlopen, which ldd does not show: unwinding on thread exit, name service
libdir=$(dirname "$(ldd "$jre/bin/java" | awk '/libc.so/ { print $3 }')")
for lib in libgcc_s.so.1 libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
  if [[ -e "$libdir/$lib" ]]; then copy "$libdir/$lib"; fi
done

mkdir -p "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
mkdir -p "$root/home/nonroot" && chown 65532:65532 "$root/home/nonroot" 2>/dev/null || true

# One layer, reproducible (sorted, owned by root, dated at the epoch), and the docker-save wrapping around it.
# (entries named without a leading ./: Jib refuses to unpack a "./" entry)
reproducible=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0)
(cd "$root" && tar "${reproducible[@]}" -cf "$work/layer.tar" -- *)
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir -p "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/bin:/bin","JAVA_HOME=/opt/java/openjdk","LANG=C.UTF-8"],
           "WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/images/build-base-image.sh: jlink of $("$java_home/bin/java" -version 2>&1 | head -1 | tr -d '"')"}]}
JSON
config_id=$(sha256sum "$work/image/config.json" | cut -d' ' -f1)
mv "$work/image/config.json" "$work/image/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["bluegreen-base:17"],"Layers":["%s/layer.tar"]}]\n' "$config_id" "$diff_id" \
  > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
(cd "$work/image" && tar "${reproducible[@]}" -cf "$out" -- *)
echo "$out ($(du -h "$out" | cut -f1)): $(tar -tf "$work/image/$diff_id/layer.tar" | grep -c '\.so') shared libraries, modules $modules"
