#!/usr/bin/env bash
# Runs moto_server on 127.0.0.1:PORT from the venv that ensure-venv.sh made.
# Stops moto when standard input closes, so a test runner that dies without its
# teardown (SIGKILL, crash) leaves no server behind.
set -uo pipefail
cd "$(dirname "$0")/../.."
port="${1:?usage: moto-server.sh PORT}"

.venv/moto/bin/moto_server -H 127.0.0.1 -p "$port" </dev/null &
moto=$!

# Bash gives a background job /dev/null as stdin unless redirected, so pass the real one.
# The loop uses the read builtin, so the watchdog is one process this script reaps.
exec 3<&0
{
  while read -r -u 3 _; do :; done
  kill "$moto" 2>/dev/null
} &
watchdog=$!

# Reap both children before exiting: an unreaped child outlives this script as a zombie.
stop() {
  kill "$moto" "$watchdog" 2>/dev/null
  wait
  exit "$1"
}
trap 'stop 143' TERM
trap 'stop 130' INT
trap 'stop 129' HUP

wait "$moto"
status=$?
stop "$status"
