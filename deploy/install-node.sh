#!/usr/bin/env bash
# Install an Open Spaces door node on Raspberry Pi OS (Bookworm): SPI and I2C on, Debian
# packages, the service user, a virtual environment with openspaces-doors[inky], its node.toml
# and the systemd service. Run it from a checkout of this repository, as root:
#
#     sudo deploy/install-node.sh --node-config door-1.toml
#
# where door-1.toml was written on the hub by `openspaces provision-node door-1 --room ...`.
# Safe to run again (to upgrade, or to install a rotated node.toml). docs/deploy.md walks
# through it from a blank SD card.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

HARDWARE=1
NODE_CONFIG=""
BOOT_CONFIG=/boot/firmware/config.txt

usage() {
    cat <<EOF
usage: deploy/install-node.sh [--node-config FILE] [options]
  --node-config FILE  the node.toml from 'openspaces provision-node' (installed as
                      /etc/openspaces/node.toml; the service starts only with one)
  --no-hardware       do not enable SPI/I2C (raspi-config) or edit $BOOT_CONFIG
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

enable_hardware() {
    if [ "$HARDWARE" -eq 0 ]; then
        say "skipping SPI/I2C setup (--no-hardware)"
        return
    fi
    if ! is_live; then
        say "raspi-config changes the running system: skipped under --root"
    elif command -v raspi-config >/dev/null 2>&1; then
        say "enabling SPI and I2C (raspi-config)"
        raspi-config nonint do_spi 0
        raspi-config nonint do_i2c 0
    else
        say "raspi-config not found: enable SPI and I2C yourself"
    fi
    # The inky library drives the panel's chip select itself: keep the kernel off GPIO 8.
    local boot
    boot=$(at "$BOOT_CONFIG")
    if [ -f "$boot" ] && ! grep -q '^dtoverlay=spi0-0cs' "$boot"; then
        say "adding dtoverlay=spi0-0cs to $BOOT_CONFIG (takes effect after a reboot)"
        printf '\n# Open Spaces door node: inky drives the chip select itself\ndtoverlay=spi0-0cs\n' \
            >>"$boot"
    fi
}

install_config() {
    make_dir /etc/openspaces 0750 "root:$SERVICE_USER"
    if [ -n "$NODE_CONFIG" ]; then
        say "installing $NODE_CONFIG as /etc/openspaces/node.toml"
        put_file "$NODE_CONFIG" /etc/openspaces/node.toml 0640 "root:$SERVICE_USER"
        "$(at "$VENV")/bin/openspaces" node --check --config "$(at /etc/openspaces/node.toml)" ||
            die "the node.toml does not check out (see above)"
    else
        keep_or_put "$DEPLOY_DIR/node.example.toml" /etc/openspaces/node.toml 0640 \
            "root:$SERVICE_USER"
    fi
}

enable_hardware
# gcc and the headers build spidev; lgpio is gpiozero's pin library on Bookworm (and Pi 5).
apt_install python3-venv python3-dev gcc fonts-dejavu-core python3-lgpio
ensure_user /var/lib/openspaces-node
add_to_groups gpio spi i2c
make_dir /var/lib/openspaces-node 0750 "$SERVICE_USER:$SERVICE_USER"
make_venv inky
install_config
if [ -n "$NODE_CONFIG" ]; then
    enable_unit openspaces-node.service start
else
    enable_unit openspaces-node.service
    say "no --node-config: provision this node on the hub, copy its node.toml to"
    say "/etc/openspaces/node.toml, then: systemctl restart openspaces-node"
fi
say "done. Follow the door with: journalctl -u openspaces-node -f"
