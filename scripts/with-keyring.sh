#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring
# Secret Service, as a desktop session would have. Keyring files go to a
# throw-away XDG_DATA_HOME unless one is given (BACKPACK_KEYRING_HOME).
# Usage: scripts/with-keyring.sh CMD [ARGS...]
set -euo pipefail
if [ -n "${BACKPACK_KEYRING_HOME:-}" ]; then
  mkdir -p "$BACKPACK_KEYRING_HOME"
  export XDG_DATA_HOME="$BACKPACK_KEYRING_HOME"
else
  XDG_DATA_HOME="$(mktemp -d /tmp/backpack-keyring.XXXXXX)"
  export XDG_DATA_HOME
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
fi
exec_inner='
  printf %s "backpack-session-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # --unlock returns before the daemon owns its bus name; wait, or a second daemon is activated.
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break
    sleep 0.1
  done
  "$@"
'
dbus-run-session -- bash -c "$exec_inner" with-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
