#!/usr/bin/env bash
# `make arm64`: prove the door's install on a Raspberry Pi's architecture without a Pi.
#
# Builds an arm64 Debian root (debootstrap + qemu-user-static, from the mirror this machine's
# apt uses, read from /etc/apt/sources.list.d/debian.sources), runs deploy/install-node.sh in
# it (--no-hardware: everything but raspi-config, config.txt and the Raspberry Pi archive's
# lgpio), checks that pip built nothing but this project and that the root has no compiler,
# runs `openspaces node --check` and a node run with the PNG display against a Mosquitto
# on this machine, installs a node.toml dropped on the boot partition (the golden image's first
# boot), renders the door gallery in the root and requires every frame to be pixel-
# identical to the gallery rendered here. Needs root (debootstrap, chroot, mounts) and this
# checkout's .venv (make .venv/.installed). Prints the time of each step and the total.
#
# Environment: ARM64_SUITE (bookworm; trixie to try Debian 13), ARM64_WORK (var/arm64),
# ARM64_CACHE=1 keeps a tarball of the fresh root under ARM64_WORK and starts from it next time
# (local iteration; CI starts fresh), ARM64_KEEP=1 leaves the root in place afterwards.
set -euo pipefail

CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SUITE=${ARM64_SUITE:-bookworm}
WORK=$(mkdir -p "${ARM64_WORK:-$CHECKOUT/var/arm64}" && cd "${ARM64_WORK:-$CHECKOUT/var/arm64}" && pwd)
ROOT=$WORK/root
HOST_PY=$CHECKOUT/.venv/bin/python
SRC=/opt/openspaces-src
CA=/usr/local/share/ca-certificates-host.crt
STARTED=$(date +%s)
STEP_STARTED=$STARTED
BROKER_PID=""
#: The most a node in the root may take to connect and draw (emulated Python starts slowly).
NODE_RUN_S=${ARM64_NODE_RUN_S:-180}

say() { printf '==> [%4ds] %s\n' "$(($(date +%s) - STARTED))" "$*"; }
die() {
    printf 'arm64: error: %s\n' "$*" >&2
    exit 1
}
step() {
    local now
    now=$(date +%s)
    say "$1 (previous step: $((now - STEP_STARTED)) s)"
    STEP_STARTED=$now
}

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and mounts need it)"
[ -x "$HOST_PY" ] || die "no $HOST_PY: run 'make .venv/.installed' first"

need_tools() {
    local missing=()
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    [ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
    command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
    [ ${#missing[@]} -eq 0 ] && return
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# qemu-user-static installs its binfmt rule but nothing registers it in a container.
register_binfmt() {
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && return
    [ -e /proc/sys/fs/binfmt_misc/register ] ||
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
        die "cannot mount binfmt_misc (a container without the privilege to?)"
    /lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-aarch64.conf
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "qemu-aarch64 did not register"
}

# The Debian mirror this machine's apt uses (never written down in this repository).
mirror() {
    local url
    url=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
        /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    if [ -z "$url" ] && [ -r /etc/apt/sources.list ]; then
        url=$(awk '$1 == "deb" && $3 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
    fi
    [ -n "$url" ] || die "cannot find a Debian mirror in /etc/apt/sources.list.d/debian.sources"
    printf '%s' "$url"
}

unmount_all() {
    local point
    for point in dev/pts dev proc sys; do
        mountpoint -q "$ROOT/$point" && umount -l "$ROOT/$point"
    done
    return 0
}

cleanup() {
    [ -z "$BROKER_PID" ] || kill "$BROKER_PID" 2>/dev/null || true
    unmount_all
    if [ "${ARM64_KEEP:-0}" != 1 ] && [ -d "$ROOT" ]; then
        rm -rf --one-file-system "$ROOT"
    fi
}

make_root() {
    local cache=$WORK/base-$SUITE.tar
    unmount_all
    rm -rf --one-file-system "$ROOT"
    if [ "${ARM64_CACHE:-0}" = 1 ] && [ -f "$cache" ]; then
        step "unpacking the cached $SUITE root ($cache)"
        mkdir -p "$ROOT" && tar -xf "$cache" -C "$ROOT"
        return
    fi
    step "debootstrap: arm64 Debian $SUITE (minbase) into $ROOT"
    debootstrap --arch=arm64 --variant=minbase --include=python3,python3-venv,ca-certificates \
        "$SUITE" "$ROOT" "$(mirror)" >"$WORK/debootstrap.log" 2>&1 ||
        die "debootstrap failed: see $WORK/debootstrap.log"
    if [ "${ARM64_CACHE:-0}" = 1 ]; then
        tar -cf "$cache" -C "$ROOT" .
    fi
}

# What the root needs from this machine to reach the archive and the package index: the CA
# bundle (pip inside the root must be told it) and apt's Acquire settings.
prepare_root() {
    mount --bind /proc "$ROOT/proc"
    mount --bind /sys "$ROOT/sys"
    mount --bind /dev "$ROOT/dev"
    cp /etc/ssl/certs/ca-certificates.crt "$ROOT$CA"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    local file
    for file in /etc/apt/apt.conf.d/*; do
        grep -q '^Acquire::Check-Valid-Until' "$file" && cp "$file" "$ROOT/etc/apt/apt.conf.d/"
    done
    rm -rf "$ROOT$SRC" && mkdir -p "$ROOT$SRC"
    local parts=(pyproject.toml README.md hub shared signage_node deploy)
    [ -d "$CHECKOUT/requirements" ] && parts+=(requirements)
    tar -C "$CHECKOUT" --exclude=__pycache__ -cf - "${parts[@]}" | tar -C "$ROOT$SRC" -xf -
    return 0
}

# in_root COMMAND...: run in the root with pip trusting this machine's CA bundle.
in_root() {
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        REQUESTS_CA_BUNDLE="$CA" PIP_CERT="$CA" PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"
}

start_broker() {
    local port
    port=$("$HOST_PY" -c 'from hub.mqtt.mosquitto import free_port; print(free_port())')
    printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$WORK/mosquitto.conf"
    [ "$(id -u)" -ne 0 ] || printf 'user root\n' >>"$WORK/mosquitto.conf"
    mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
    BROKER_PID=$!
    BROKER_PORT=$port
}

node_toml() {
    cat <<EOF
node_id = "door-arm64"
room_id = "room-a"
panel = "impression-7.3-spectra6"
display = "png"
png_path = "/var/lib/openspaces-node/frame.png"
state_dir = "/var/lib/openspaces-node"

[broker]
host = "127.0.0.1"
port = $BROKER_PORT
EOF
}

install_node() {
    local pillow
    pillow=$("$HOST_PY" -c 'import PIL; print(PIL.__version__)')
    # The host's Pillow: frames are compared with the ones rendered here.
    printf 'pillow==%s\n' "$pillow" >"$ROOT/tmp/constraints.txt"
    node_toml >"$ROOT/tmp/door-arm64.toml"
    step "install-node.sh in the root (--no-hardware, Pillow $pillow as on this machine)"
    in_root bash "$SRC/deploy/install-node.sh" --no-hardware --no-systemd \
        --node-config /tmp/door-arm64.toml \
        --pip-args "-c /tmp/constraints.txt --log /tmp/pip.log" ||
        die "install-node.sh failed in the arm64 root"
}

check_nothing_built() {
    local built
    built=$(grep -o 'Building wheel for [^ ]*' "$ROOT/tmp/pip.log" | sort -u || true)
    [ "$built" = "Building wheel for openspaces-doors" ] ||
        die "pip built something other than this project: ${built:-nothing at all?}"
    if in_root sh -c 'command -v cc gcc' >/dev/null; then
        die "the root has a C compiler: a build could have gone unnoticed"
    fi
    say "pip built nothing but openspaces-doors (a pure-Python wheel); no compiler in the root"
}

run_node() {
    step "openspaces node --check and a node run with the PNG display (until it has drawn)"
    in_root /opt/openspaces/venv/bin/openspaces node --check --config /etc/openspaces/node.toml
    local frame=$ROOT/var/lib/openspaces-node/frame.png waited=0
    rm -f "$frame"
    in_root timeout -s TERM "$NODE_RUN_S" /opt/openspaces/venv/bin/openspaces node --mock-gpio \
        --config /etc/openspaces/node.toml >"$WORK/node.log" 2>&1 &
    local runner=$!
    until grep -q 'connected to the broker' "$WORK/node.log" && [ -s "$frame" ]; do
        kill -0 "$runner" 2>/dev/null || break
        sleep 2
        waited=$((waited + 2))
    done
    # The runner's child is `timeout` (chroot and env exec it): it hands SIGTERM to the node.
    local child
    child=$(pgrep -P "$runner" || true)
    [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true
    wait "$runner" || true
    grep -q 'connected to the broker' "$WORK/node.log" ||
        die "the node never reached the broker: see $WORK/node.log"
    [ -s "$frame" ] || die "the node drew no frame: see $WORK/node.log"
    grep -q 'stopped' "$WORK/node.log" || die "the node did not stop cleanly: see $WORK/node.log"
    say "the node connected, drew its frame within ~$waited s and stopped cleanly"
}

# The golden image's first boot: a node.toml dropped on the boot partition is installed by the
# pickup script that openspaces-node-config.service runs.
check_pickup() {
    step "golden image: picking up a node.toml from the boot partition"
    mkdir -p "$ROOT/boot/firmware"
    node_toml | sed 's/^node_id = .*/node_id = "door-golden"/' \
        >"$ROOT/boot/firmware/openspaces-node.toml"
    in_root /usr/local/sbin/openspaces-pickup-node-config ||
        die "the pickup script failed in the root"
    grep -q '^node_id = "door-golden"$' "$ROOT/etc/openspaces/node.toml" ||
        die "the dropped node.toml was not installed"
    [ ! -e "$ROOT/boot/firmware/openspaces-node.toml" ] ||
        die "the dropped node.toml (it holds a password) was left on the boot partition"
    say "installed as /etc/openspaces/node.toml and removed from the boot partition"
}

compare_gallery() {
    step "rendering the gallery in the root"
    rm -rf "$ROOT/tmp/gallery" "$WORK/host-gallery"
    in_root /opt/openspaces/venv/bin/openspaces render --gallery /tmp/gallery >/dev/null
    step "rendering the gallery here"
    "$CHECKOUT/.venv/bin/openspaces" render --gallery "$WORK/host-gallery" >/dev/null
    step "comparing the frames pixel for pixel"
    (cd "$CHECKOUT" && "$HOST_PY" -m tests.arm64.frames "$WORK/host-gallery" "$ROOT/tmp/gallery")
}

need_tools
register_binfmt
trap cleanup EXIT
make_root
prepare_root
start_broker
install_node
check_nothing_built
run_node
check_pickup
compare_gallery
step "done"
say "arm64 install proven end to end in $(($(date +%s) - STARTED)) s"
