#!/usr/bin/env bash
# Install the Open Spaces hub on Debian 12 (or Raspberry Pi OS): Mosquitto with the product's
# settings (deploy/mosquitto/), the hub's broker user with a random password, the service
# user, a virtual environment with openspaces-doors[hub] at the versions pinned in
# requirements/hub.txt, /etc/openspaces/hub.toml and the systemd service. Run it from a
# checkout of this repository, as root:
#
#     sudo deploy/install-hub.sh --public-url https://openspaces.example.org
#
# Safe to run again: existing configuration files and the hub's broker password are kept.
# Then provision each door with `openspaces provision-node` (docs/deploy.md).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PUBLIC_URL=http://127.0.0.1:8000
HUB_BROKER_USER=hub
BROKER_DIR=/etc/mosquitto/openspaces

usage() {
    cat <<EOF
usage: deploy/install-hub.sh [--public-url URL] [options]
  --public-url URL  the hub's address as attendees reach it (QR codes and links)
$COMMON_USAGE
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
        --public-url) PUBLIC_URL=${2:?--public-url needs a URL} && shift 2 ;;
        -h | --help) usage && exit 0 ;;
        *)
            common_option "$@"
            [ "$CONSUMED" -gt 0 ] || { usage >&2 && die "unknown option $1"; }
            shift "$CONSUMED"
            ;;
    esac
done
finish_options
[[ $PUBLIC_URL =~ ^https?://[^[:space:]|\&\"]+$ ]] || die "--public-url: not an http(s) URL: $PUBLIC_URL"

# The broker: our drop-in, the ACL, and a password file holding the hub's user.
install_broker() {
    local group=root
    [ -z "$(gid_of mosquitto)" ] || group=mosquitto
    say "configuring Mosquitto ($BROKER_DIR, /etc/mosquitto/conf.d/openspaces.conf)"
    make_dir "$BROKER_DIR" 0750 "root:$group"
    put_file "$DEPLOY_DIR/mosquitto/acl" "$BROKER_DIR/acl" 0640 "root:$group"
    put_file "$DEPLOY_DIR/mosquitto/openspaces.conf" /etc/mosquitto/conf.d/openspaces.conf 0644 \
        root:root
    if [ -e "$(at "$BROKER_DIR/passwd")" ] &&
        grep -q "^$HUB_BROKER_USER:" "$(at "$BROKER_DIR/passwd")"; then
        say "keeping the hub's broker password"
        return
    fi
    local password entry
    password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
    entry=$(mktemp "$(at "$BROKER_DIR")/.entry.XXXXXX")
    printf '%s:%s\n' "$HUB_BROKER_USER" "$password" >"$entry"
    mosquitto_passwd -U "$entry"
    touch "$(at "$BROKER_DIR/passwd")"
    cat "$entry" >>"$(at "$BROKER_DIR/passwd")"
    rm -f "$entry"
    chmod 0640 "$(at "$BROKER_DIR/passwd")"
    own "root:$group" "$(at "$BROKER_DIR/passwd")"
    make_dir /etc/openspaces 0750 "root:$SERVICE_USER"
    local env_file
    env_file=$(at /etc/openspaces/hub.env)
    printf '# The hub'\''s broker password (user %s), made by install-hub.sh.\n' \
        "$HUB_BROKER_USER" >"$env_file"
    printf 'OPENSPACES_HUB_BROKER_PASSWORD=%s\n' "$password" >>"$env_file"
    chmod 0640 "$env_file"
    own "root:$SERVICE_USER" "$env_file"
}

# /etc/openspaces/hub.toml from the documented example, pointed at this machine.
install_config() {
    make_dir /etc/openspaces 0750 "root:$SERVICE_USER"
    if [ -e "$(at /etc/openspaces/hub.toml)" ]; then
        say "keeping the existing /etc/openspaces/hub.toml"
        return
    fi
    say "writing /etc/openspaces/hub.toml (public_url $PUBLIC_URL)"
    sed -e 's|^database_url = .*|database_url = "sqlite:////var/lib/openspaces-hub/hub.db"|' \
        -e "s|^public_url = .*|public_url = \"$PUBLIC_URL\"|" \
        -e "s|^username = .*|username = \"$HUB_BROKER_USER\"|" \
        -e 's|^password = .*|# password: OPENSPACES_HUB_BROKER_PASSWORD in /etc/openspaces/hub.env|' \
        "$DEPLOY_DIR/hub.example.toml" >"$(at /etc/openspaces/hub.toml)"
    chmod 0640 "$(at /etc/openspaces/hub.toml)"
    own "root:$SERVICE_USER" "$(at /etc/openspaces/hub.toml)"
}

reload_broker() {
    if [ "$SYSTEMD" -eq 0 ]; then
        say "skipping systemctl (--no-systemd): restart mosquitto yourself"
        return
    fi
    systemctl enable mosquitto
    systemctl restart mosquitto
}

# sqlite3 is for backups (docs/operations.md).
# libfribidi0: raqm's text layout, so the hub's door previews are the doors' own pixels.
apt_install mosquitto python3-venv sqlite3 fonts-dejavu-core libfribidi0
# Fonts for every script on the door previews (issue 15, shared/render/fallback.py): the same
# as install-node.sh's, so a preview is pixel-identical to the door's frame.
apt_install fonts-noto-core fonts-noto-cjk fonts-symbola
ensure_user /var/lib/openspaces-hub
make_dir /var/lib/openspaces-hub 0750 "$SERVICE_USER:$SERVICE_USER"
install_broker
install_config
make_venv hub "$CHECKOUT/requirements/hub.txt"
reload_broker
enable_unit openspaces-hub.service start
say "done. Make a staff token with:"
say "  sudo -u $SERVICE_USER $VENV/bin/openspaces hub create-token --config /etc/openspaces/hub.toml --name YOU"
say "and provision doors with: sudo $VENV/bin/openspaces provision-node NODE_ID --room ROOM --config /etc/openspaces/hub.toml"
