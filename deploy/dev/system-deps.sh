#!/usr/bin/env bash
# Installs the Debian packages that the demo or the tests use, when they are missing.
#   system-deps.sh demo   Mosquitto (the real broker), FriBiDi and the fonts door frames are drawn with
#   system-deps.sh [test] those, and Chromium (browser tests), the ShellCheck linter (the
#                         deploy scripts must pass it), wrk (the HTTP benchmark) and PostgreSQL
#                         (the hub's tests start a private server of their own from its binaries),
#                         jq and libfaketime (docs/first-event.md runs as a test, at the guide's hour),
#                         Tesseract with its language packs (the OCR test of every script)
set -euo pipefail

purpose=${1:-test}
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# raqm (in Pillow's wheels) lays text out only with FriBiDi: without it the renderer refuses.
compgen -G '/usr/lib/*/libfribidi.so.0' >/dev/null || missing+=(libfribidi0)
# Fonts for every script (issue 15, shared/render/fallback.py), as on the doors and the hub.
[ -f /usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf ] || missing+=(fonts-noto-core)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || missing+=(fonts-symbola)
if [ "$purpose" != demo ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null || missing+=(libfaketime)
    # Tesseract and its languages read every script back from the door frames (issue 15).
    command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
    for lang in eng ell rus chi-sim chi-tra jpn kor ara heb hin tha; do
        [ -f "/usr/share/tesseract-ocr/5/tessdata/${lang/-/_}.traineddata" ] ||
            missing+=("tesseract-ocr-$lang")
    done
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
