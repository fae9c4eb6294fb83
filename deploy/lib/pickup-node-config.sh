#!/bin/sh
# Golden image: a door's own node.toml, dropped on the SD card's boot partition (FAT, readable
# from any laptop) as openspaces-node.toml, becomes /etc/openspaces/node.toml at the next boot.
# Run by openspaces-node-config.service before the node starts; installed by install-node.sh as
# /usr/local/sbin/openspaces-pickup-node-config. The file holds the node's broker password, so
# it is removed from the boot partition once installed. A file that does not check out
# (openspaces node --check) is renamed openspaces-node.toml.rejected and the old config stays.
#
# Paths can be moved for tests: OPENSPACES_BOOT_DIR (/boot/firmware), OPENSPACES_ETC_DIR
# (/etc/openspaces), OPENSPACES_BIN (/opt/openspaces/venv/bin/openspaces), OPENSPACES_GROUP
# (openspaces).
set -eu

BOOT=${OPENSPACES_BOOT_DIR:-/boot/firmware}
ETC=${OPENSPACES_ETC_DIR:-/etc/openspaces}
BIN=${OPENSPACES_BIN:-/opt/openspaces/venv/bin/openspaces}
GROUP=${OPENSPACES_GROUP:-openspaces}
NEW=$BOOT/openspaces-node.toml

[ -f "$NEW" ] || exit 0
STAGED=$ETC/node.toml.new
install -m 0640 "$NEW" "$STAGED"
chgrp "$GROUP" "$STAGED"
if "$BIN" node --check --config "$STAGED"; then
    mv "$STAGED" "$ETC/node.toml"
    rm -f "$NEW"
    echo "installed $NEW as $ETC/node.toml (and removed it from the boot partition)"
else
    rm -f "$STAGED"
    mv "$NEW" "$NEW.rejected"
    echo "$NEW does not check out (see above): renamed .rejected, $ETC/node.toml kept" >&2
    exit 1
fi
