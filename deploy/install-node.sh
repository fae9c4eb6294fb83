#!/usr/bin/env bash
# Install an Open Spaces door node on 64-bit Raspberry Pi OS: Bookworm (Debian 12, Python 3.11)
# or Trixie (Debian 13, Python 3.13). Anything else (32-bit Raspberry Pi OS, older releases,
# other distributions) is refused: the node's libraries have no 32-bit ARM wheels, and building
# numpy on a 512 MB Pi takes hours or runs out of memory. Run it from a checkout of this
# repository, as root:
#
#     sudo deploy/install-node.sh --node-config door-1.toml
#
# where door-1.toml was written on the hub by `openspaces provision-node door-1 --room ...`.
# It upgrades the system first (`apt-get full-upgrade`: kernels before January 2024 ignore the
# chip-select overlay on the Zero 2 W and 3B+), installs what the node needs, turns SPI and I2C
# on and puts `dtoverlay=spi0-0cs` in config.txt under `[all]`. SPI and the overlay take effect
# only after a reboot, so the service is enabled but not started when a reboot is needed: the
# script says so, and the reboot starts it. Every failed step stops the script with the fix.
# Safe to run again (to upgrade, or to install a rotated node.toml). docs/deploy.md walks
# through it from a blank SD card.
#
# --no-hardware skips what only a Raspberry Pi has (the Raspberry Pi OS check, raspi-config,
# config.txt, the Raspberry Pi archive's python3-lgpio): a 64-bit Debian 12 or 13 root, as in
# `make arm64` (tests/arm64/), runs the rest of the script unchanged.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

HARDWARE=1
NODE_CONFIG=""
BOOT_CONFIG=/boot/firmware/config.txt
REBOOT_NEEDED=0
#: The lock file of the node's dependencies, used when the checkout has one.
NODE_LOCK=$CHECKOUT/requirements/node.txt

usage() {
    cat <<EOF
usage: deploy/install-node.sh [--node-config FILE] [options]
  --node-config FILE  the node.toml from 'openspaces provision-node' (installed as
                      /etc/openspaces/node.toml; the service starts only with one)
  --no-hardware       not on a Raspberry Pi: skip the Raspberry Pi OS check, SPI/I2C
                      (raspi-config), $BOOT_CONFIG and python3-lgpio
$COMMON_USAGE
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
        --node-config) NODE_CONFIG=${2:?--node-config needs a file} && shift 2 ;;
        --no-hardware) HARDWARE=0 && shift ;;
        -h | --help) usage && exit 0 ;;
        *)
            common_option "$@"
            [ "$CONSUMED" -gt 0 ] || { usage >&2 && die "unknown option $1"; }
            shift "$CONSUMED"
            ;;
    esac
done
finish_options
[ -z "$NODE_CONFIG" ] || [ -r "$NODE_CONFIG" ] || die "cannot read $NODE_CONFIG"

UNSUPPORTED_FIX="flash 'Raspberry Pi OS Lite (64-bit)' (Bookworm or Trixie) with Raspberry Pi \
Imager, then run this script again"

# The target must be 64-bit Debian 12 or 13 (Raspberry Pi OS, unless --no-hardware) with its
# own Python: 3.11 on Bookworm, 3.13 on Trixie.
check_platform() {
    local release codename arch python expected
    release=$(at /etc/os-release)
    [ -r "$release" ] || die "no /etc/os-release: cannot tell which system this is; $UNSUPPORTED_FIX"
    codename=$(sed -n 's/^VERSION_CODENAME="\{0,1\}\([a-z]*\)"\{0,1\}$/\1/p' "$release")
    case $codename in
        bookworm) expected=3.11 ;;
        trixie) expected=3.13 ;;
        *) die "unsupported release '${codename:-unknown}' (a door needs Bookworm or Trixie); $UNSUPPORTED_FIX" ;;
    esac
    arch=$(dpkg --print-architecture) || die "dpkg cannot say the architecture; $UNSUPPORTED_FIX"
    [ "$arch" = arm64 ] ||
        die "unsupported architecture '$arch' (a door needs 64-bit arm64; 32-bit armhf has no \
wheels for numpy, Pillow or gpiod); $UNSUPPORTED_FIX"
    python=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') ||
        die "cannot run $PYTHON: apt-get install python3"
    [ "$python" = "$expected" ] ||
        die "$PYTHON is Python $python; $codename's own is $expected: use --python python$expected"
    if [ "$HARDWARE" -eq 1 ] && [ ! -e "$(at /etc/rpi-issue)" ]; then
        die "this is not Raspberry Pi OS (no /etc/rpi-issue); $UNSUPPORTED_FIX (or give \
--no-hardware to install without the Pi's hardware)"
    fi
    say "platform: $codename $arch, Python $python"
}

# apt-get update and full-upgrade, then the packages the node needs.
install_packages() {
    local packages=(python3-venv fonts-dejavu-core libfribidi0 python3-spidev)
    # Fonts for every script on the glass (issue 15, shared/render/fallback.py): Indic and
    # Thai (fonts-noto-core), Chinese/Japanese/Korean (fonts-noto-cjk), emoji as outlines
    # drawn in the panel's palette (fonts-symbola). Keep in step with install-hub.sh.
    packages+=(fonts-noto-core fonts-noto-cjk fonts-symbola)
    # lgpio is gpiozero's pin library on Bookworm and the Pi 5 (Raspberry Pi archive only).
    [ "$HARDWARE" -eq 0 ] || packages+=(python3-lgpio)
    if [ "$PACKAGES" -eq 0 ]; then
        say "skipping apt-get (--no-packages): ${packages[*]}"
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    say "updating the package lists"
    apt-get update -q ||
        die "apt-get update failed: check the network (ip addr, ping the hub) and the clock \
(date: a clock far off breaks the archive's signatures), then run this script again"
    local upgrades
    upgrades=$(apt-get -s full-upgrade | grep -c '^Inst ' || true)
    say "upgrading the system first ($upgrades packages; new kernels need the reboot below)"
    apt-get full-upgrade -y -q ||
        die "apt-get full-upgrade failed (see above): fix it (sudo dpkg --configure -a, free \
space on the card) and run this script again"
    [ "$upgrades" -eq 0 ] || REBOOT_NEEDED=1
    say "installing Debian packages: ${packages[*]}"
    apt-get install -y -q --no-install-recommends "${packages[@]}" ||
        die "cannot install ${packages[*]} (see above): check the network and run this again"
}

# SPI and I2C on (raspi-config) and the chip-select overlay under [all] in config.txt.
enable_hardware() {
    if [ "$HARDWARE" -eq 0 ]; then
        say "skipping SPI/I2C and $BOOT_CONFIG (--no-hardware)"
        return
    fi
    local boot
    boot=$(at "$BOOT_CONFIG")
    [ -f "$boot" ] || die "$BOOT_CONFIG is missing: this is not a Bookworm or Trixie Raspberry \
Pi OS, or its boot partition is not mounted (mount it: sudo mount /boot/firmware); \
$UNSUPPORTED_FIX"
    if ! is_live; then
        say "raspi-config changes the running system: skipped under --root"
    else
        command -v raspi-config >/dev/null 2>&1 ||
            die "raspi-config is missing: sudo apt-get install raspi-config, then run this again"
        spi_i2c_on
    fi
    add_overlay "$boot"
}

# raspi-config's get_* answer 0 when the interface is on; do_* 0 turns it on.
spi_i2c_on() {
    local interface
    for interface in spi i2c; do
        if [ "$(raspi-config nonint "get_$interface")" = 0 ]; then
            say "$interface is on"
            continue
        fi
        say "turning $interface on (raspi-config; the reboot below completes it)"
        raspi-config nonint "do_$interface" 0 ||
            die "raspi-config could not turn $interface on: sudo raspi-config, Interface Options"
        REBOOT_NEEDED=1
    done
}

# add_overlay CONFIG: dtoverlay=spi0-0cs in force for every board (inky drives the panel's
# chip select, GPIO 8, itself). A line under a board filter such as [pi4] does not count.
add_overlay() {
    if awk '/^\[/ { section = $0 } /^dtoverlay=spi0-0cs([[:space:]]|$)/ &&
            (section == "" || section == "[all]") { found = 1 } END { exit !found }' "$1"; then
        say "dtoverlay=spi0-0cs is in $BOOT_CONFIG"
        return
    fi
    say "adding dtoverlay=spi0-0cs under [all] to $BOOT_CONFIG (takes effect after a reboot)"
    printf '\n[all]\n# Open Spaces door node: inky drives the chip select itself\n%s\n' \
        dtoverlay=spi0-0cs >>"$1"
    REBOOT_NEEDED=1
}

# The virtual environment: the system's site packages (python3-spidev, python3-lgpio), and
# from the index only wheels (--only-binary): nothing is ever compiled on a door.
install_node_venv() {
    local pip_args=()
    read -r -a pip_args <<<"$PIP_ARGS"
    make_dir /opt/openspaces 0755 root:root
    say "making the virtual environment $VENV"
    "$PYTHON" -m venv --system-site-packages "$(at "$VENV")" ||
        die "cannot make $VENV: apt-get install python3-venv"
    local pip=("$(at "$VENV")/bin/pip" install --quiet --only-binary=:all: "${pip_args[@]}")
    if [ -f "$NODE_LOCK" ]; then
        say "installing the locked dependencies (${NODE_LOCK#"$CHECKOUT"/})"
        "${pip[@]}" -r "$NODE_LOCK" || die "pip could not install $NODE_LOCK (see above)"
        "${pip[@]}" --no-deps "${SOURCE}[inky]" || die "pip could not install $SOURCE"
    else
        say "installing openspaces-doors[inky] from $SOURCE"
        "${pip[@]}" "${SOURCE}[inky]" ||
            die "pip could not install ${SOURCE}[inky] (see above): check the network; a \
package with no wheel for this system is refused rather than compiled"
    fi
}

install_config() {
    make_dir /etc/openspaces 0750 "root:$SERVICE_USER"
    if [ -n "$NODE_CONFIG" ]; then
        say "installing $NODE_CONFIG as /etc/openspaces/node.toml"
        put_file "$NODE_CONFIG" /etc/openspaces/node.toml 0640 "root:$SERVICE_USER"
        "$(at "$VENV")/bin/openspaces" node --check --config "$(at /etc/openspaces/node.toml)" ||
            die "the node.toml or this system does not check out (see above)"
    else
        keep_or_put "$DEPLOY_DIR/node.example.toml" /etc/openspaces/node.toml 0640 \
            "root:$SERVICE_USER"
    fi
}

# Enable the service; start it only when it can work now (a configured node, no reboot due).
# The pickup unit installs a node.toml dropped on the boot partition at boot (golden image).
install_service() {
    put_file "$DEPLOY_DIR/lib/pickup-node-config.sh" /usr/local/sbin/openspaces-pickup-node-config \
        0755 root:root
    enable_unit openspaces-node-config.service
    if [ -z "$NODE_CONFIG" ]; then
        enable_unit openspaces-node.service
        say "no --node-config: provision this node on the hub, copy its node.toml to"
        say "/etc/openspaces/node.toml, then: systemctl restart openspaces-node"
    elif [ "$REBOOT_NEEDED" -eq 1 ]; then
        enable_unit openspaces-node.service
        say "REBOOT NOW (sudo reboot): SPI, I2C, the chip-select overlay or a new kernel take"
        say "effect only then. The door starts by itself after the reboot; until then it is off."
    else
        enable_unit openspaces-node.service start
    fi
}

check_platform
install_packages
enable_hardware
ensure_user /var/lib/openspaces-node
add_to_groups gpio spi i2c
make_dir /var/lib/openspaces-node 0750 "$SERVICE_USER:$SERVICE_USER"
install_node_venv
install_config
put_file "$DEPLOY_DIR/systemd/journald-openspaces.conf" \
    /etc/systemd/journald.conf.d/openspaces.conf 0644 root:root
install_service
say "done. Follow the door with: journalctl -u openspaces-node -f"
