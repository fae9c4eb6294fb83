# shellcheck shell=bash
# Shared by deploy/install-node.sh and deploy/install-hub.sh (sourced, never run).
#
# Every path on the target system goes through `at`, so both scripts can install into a
# scratch directory (--root DIR) exactly as they would into / : the tests do that.

ROOT=/
PACKAGES=1
SYSTEMD=1
SOURCE=""
PIP_ARGS=""
PYTHON=python3
SERVICE_USER=openspaces
VENV=/opt/openspaces/venv
DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHECKOUT=$(dirname "$DEPLOY_DIR")

# shellcheck disable=SC2034  # used by the scripts that source this file
COMMON_USAGE="  --root DIR        install under DIR instead of / (users go into DIR/etc/passwd)
  --no-packages     do not run apt-get
  --no-systemd      do not run systemctl (the unit files are still installed)
  --source SPEC     what pip installs (default: this checkout, $CHECKOUT)
  --pip-args ARGS   extra pip arguments, e.g. '--no-deps --no-index' for an offline test
  --python PY       the Python that makes the virtual environment (default: python3)
  --user NAME       the service user (default: openspaces)"

say() { printf '==> %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# common_option NAME [VALUE]: take a shared option; CONSUMED says how many arguments it used
# (0: not a shared option).
# shellcheck disable=SC2034  # CONSUMED is read by the scripts that source this file
common_option() {
    CONSUMED=2
    case $1 in
        --root) ROOT=${2:?--root needs a directory} ;;
        --source) SOURCE=${2:?--source needs a value} ;;
        --pip-args) PIP_ARGS=${2?--pip-args needs a value} ;;
        --python) PYTHON=${2:?--python needs a value} ;;
        --user) SERVICE_USER=${2:?--user needs a name} ;;
        --no-packages) PACKAGES=0 && CONSUMED=1 ;;
        --no-systemd) SYSTEMD=0 && CONSUMED=1 ;;
        *) CONSUMED=0 ;;
    esac
}

# After option parsing: absolute root, default source, and a sanity check.
finish_options() {
    [ -d "$ROOT" ] || die "--root $ROOT is not a directory"
    ROOT=$(cd "$ROOT" && pwd)
    SOURCE=${SOURCE:-$CHECKOUT}
    if is_live && [ "$(id -u)" -ne 0 ]; then
        die "run as root (sudo), or give --root DIR to install into a scratch directory"
    fi
}

is_live() { [ "$ROOT" = / ]; }

# at PATH: where PATH of the target system is on this machine.
at() { printf '%s%s' "${ROOT%/}" "$1"; }

root_option() { is_live || printf -- '--root\n%s\n' "$ROOT"; }

uid_of() { awk -F: -v name="$1" '$1 == name { print $3 }' "$(at /etc/passwd)"; }
gid_of() { awk -F: -v name="$1" '$1 == name { print $3 }' "$(at /etc/group)"; }

apt_install() {
    if [ "$PACKAGES" -eq 0 ]; then
        say "skipping apt-get (--no-packages): $*"
        return
    fi
    say "installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "$@"
}

# ensure_user HOME: the system user (and its group) that runs the service.
ensure_user() {
    local options=()
    mapfile -t options < <(root_option)
    if [ -n "$(uid_of "$SERVICE_USER")" ]; then
        say "user $SERVICE_USER exists"
        return
    fi
    say "creating system user $SERVICE_USER"
    useradd "${options[@]}" --system --user-group --home-dir "$1" --no-create-home \
        --shell /usr/sbin/nologin "$SERVICE_USER"
}

# add_to_groups GROUP...: the groups that exist on the target; others are reported.
add_to_groups() {
    local options=() group
    mapfile -t options < <(root_option)
    for group in "$@"; do
        if [ -n "$(gid_of "$group")" ]; then
            usermod "${options[@]}" --append --groups "$group" "$SERVICE_USER"
        else
            say "no group $group on this system: not added"
        fi
    done
}

# own USER:GROUP PATH: chown by the target's ids (the names may not exist on this machine).
own() {
    local uid gid
    uid=$(uid_of "${1%%:*}")
    gid=$(gid_of "${1##*:}")
    chown "${uid:-0}:${gid:-0}" "$2"
}

# make_dir PATH MODE USER:GROUP
make_dir() {
    install -d -m "$2" "$(at "$1")"
    own "$3" "$(at "$1")"
}

# put_file SOURCE PATH MODE USER:GROUP: install a file (replacing it).
put_file() {
    install -D -m "$3" "$1" "$(at "$2")"
    own "$4" "$(at "$2")"
}

# keep_or_put SOURCE PATH MODE USER:GROUP: install a file unless the target already has it.
keep_or_put() {
    if [ -e "$(at "$2")" ]; then
        say "keeping the existing $2"
    else
        put_file "$@"
    fi
}

# make_venv EXTRA [LOCK]: the virtual environment with this project and its EXTRA dependencies,
# at the versions pinned in LOCK (a file under requirements/, given to pip as constraints).
make_venv() {
    local pip_args=()
    read -r -a pip_args <<<"$PIP_ARGS"
    if [ -n "${2:-}" ]; then
        [ -f "$2" ] || die "the lock file $2 is missing"
        pip_args+=(--constraint "$2")
    fi
    say "making the virtual environment $VENV (openspaces-doors[$1] from $SOURCE${2:+, pinned by $2})"
    make_dir /opt/openspaces 0755 root:root
    # System site packages: Debian's python3-lgpio (the Pi's GPIO) is used from there.
    "$PYTHON" -m venv --system-site-packages "$(at "$VENV")"
    "$(at "$VENV")/bin/pip" install --quiet "${pip_args[@]}" "${SOURCE}[$1]"
}

# enable_unit NAME: install deploy/systemd/NAME and enable it (start it if $2 is "start").
enable_unit() {
    put_file "$DEPLOY_DIR/systemd/$1" "/etc/systemd/system/$1" 0644 root:root
    if [ "$SYSTEMD" -eq 0 ]; then
        say "skipping systemctl (--no-systemd): enable $1 yourself"
        return
    fi
    systemctl daemon-reload
    if [ "${2:-}" = start ]; then
        systemctl enable --now "$1"
    else
        systemctl enable "$1"
    fi
}
