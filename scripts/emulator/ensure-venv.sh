#!/usr/bin/env bash
# Creates the Python virtual environment that contains the moto AWS emulator, once.
# A marker file records the pinned version: bumping MOTO_VERSION rebuilds the venv.
set -euo pipefail
cd "$(dirname "$0")/../.."

# moto 5.2.5 is the newest release that installs on Python 3.11 here (checked with pip index).
MOTO_VERSION="5.2.5"
VENV_DIR=".venv/moto"
MARKER="$VENV_DIR/.moto-version"
PYTHON="${PYTHON:-python3}"

fail() {
  echo "ensure-venv: $1" >&2
  echo "ensure-venv: fix the cause, then run 'rm -rf $VENV_DIR && bash scripts/emulator/ensure-venv.sh'," >&2
  echo "ensure-venv: or set AWS_ENDPOINT_URL to an emulator that is already running." >&2
  exit 1
}

is_ready() {
  [ -x "$VENV_DIR/bin/moto_server" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$MOTO_VERSION" ]
}

is_ready && exit 0

mkdir -p "$(dirname "$VENV_DIR")"
# Two test runs may start at once: the lock makes the second wait for the first install.
exec 9>"$VENV_DIR.lock"
flock 9
is_ready && exit 0

command -v "$PYTHON" >/dev/null || fail "'$PYTHON' was not found: install Python 3.9 or newer, or set PYTHON to its path"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
  fail "'$PYTHON' is $("$PYTHON" --version 2>&1): moto $MOTO_VERSION needs Python 3.9 or newer; set PYTHON"

echo "ensure-venv: creating $VENV_DIR with moto[server]==$MOTO_VERSION (first run only)" >&2
rm -rf "$VENV_DIR"
"$PYTHON" -m venv "$VENV_DIR" ||
  fail "'$PYTHON -m venv $VENV_DIR' failed: on Debian install the python3-venv package"
"$VENV_DIR/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" ||
  fail "pip could not install moto[server]==$MOTO_VERSION from PyPI (see pip's message above)"

echo "$MOTO_VERSION" >"$MARKER"
echo "ensure-venv: moto $MOTO_VERSION is ready in $VENV_DIR" >&2
