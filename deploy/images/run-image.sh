#!/usr/bin/env bash
# Runs an image tar built by `mvn -Pimages package` (target/jib-image.tar) without a container engine, to check it:
# unpacks its layers in order into a root file system and runs the image's entrypoint there in a chroot, as the
# image's user, with the image's environment, /proc and /dev, the root file system read-only and /tmp an empty tmpfs
# (as deploy/k8s runs the pods). Needs root (chroot, mount), unshare, python3.
#
#   deploy/images/run-image.sh pg-agent/target/jib-image.tar -version          # replaces the main class's arguments
#   sudo deploy/images/run-image.sh coordinator/target/jib-image.tar            # the service itself
#   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 deploy/images/run-image.sh ...       # variables named here pass through
#
# The service shares this machine's network, like a pod's container its pod's: BLUEGREEN_HTTP_HOST defaults to
# 127.0.0.1. Variables passed through: KAFKA_*, BLUEGREEN_*, MICRONAUT_*, JAVA_TOOL_OPTIONS.
set -euo pipefail

image=$(realpath "${1:?usage: run-image.sh IMAGE.tar [-version | ARGS...]}")
shift
[[ $(id -u) == 0 ]] || { echo "run-image.sh needs root (chroot and mount)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/image" "$work/rootfs"
tar --warning=no-unknown-keyword -xf "$image" -C "$work/image"

# the layers in the manifest's order, then the entrypoint, user and environment of the image's config
python3 - "$work/image" > "$work/plan" <<'PY'
import json, shlex, sys
d = sys.argv[1]
manifest = json.load(open(f"{d}/manifest.json"))[0]
config = json.load(open(f"{d}/{manifest['Config']}"))["config"]
for layer in manifest["Layers"]:
    print("layer", shlex.quote(layer))
print("user", shlex.quote(config.get("User") or "0:0"))
print("workdir", shlex.quote(config.get("WorkingDir") or "/"))
print("entrypoint", " ".join(shlex.quote(a) for a in (config.get("Entrypoint") or []) + (config.get("Cmd") or [])))
for e in config.get("Env") or []:
    print("env", shlex.quote(e))
PY
entrypoint=() env=(-i) user=0:0 workdir=/
while read -r kind rest; do
  eval "args=($rest)"
  case $kind in
    layer) tar --warning=no-unknown-keyword -xf "$work/image/${args[0]}" -C "$work/rootfs" ;;
    user) user=${args[0]} ;;
    workdir) workdir=${args[0]} ;;
    entrypoint) entrypoint=("${args[@]}") ;;
    env) env+=("${args[0]}") ;;
  esac
done < "$work/plan"
for name in $(compgen -e | grep -E '^(KAFKA_|BLUEGREEN_|MICRONAUT_|JAVA_TOOL_OPTIONS$)' || true); do
  env+=("$name=${!name}")
done
if [[ "${1:-}" == -version ]]; then
  entrypoint=("${entrypoint[0]}" -version)
elif [[ $# -gt 0 ]]; then
  entrypoint+=("$@")
fi

mkdir -p "$work/rootfs/proc" "$work/rootfs/dev" "$work/rootfs/tmp"
chmod 1777 "$work/rootfs/tmp"
[[ "$workdir" == / ]] || echo "note: the image's working directory $workdir is not applied; running in /" >&2
echo "running ${entrypoint[*]} as $user" >&2
# the image's environment only, as a container runtime gives it; chroot looks the entrypoint up on the image's PATH
# like the pods of deploy/k8s: the root file system read-only, an empty writable /tmp
unshare --mount --fork -- sh -c '
  root=$1; shift
  mount --bind "$root" "$root" && mount -o remount,bind,ro "$root" && mount -t tmpfs tmpfs "$root/tmp" &&
    mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && exec "$@"
' sh "$work/rootfs" env "${env[@]}" "$(command -v chroot)" --userspec="$user" "$work/rootfs" "${entrypoint[@]}" &
child=$!
# Ctrl-C or a TERM stops the service (its shutdown hooks run), then the root file system is deleted; unshare ignores
# both while it waits, so the signal goes to its child, the service
trap 'pkill -TERM -P "$child" 2>/dev/null' INT TERM
status=0
wait "$child" || status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child" || status=$?; done
exit "$status"
