#!/usr/bin/env bash
# A real WebDAV server (WsgiDAV from PyPI, installed by scripts/setup.sh) on
# 127.0.0.1 for the sharing tests and for trying share links locally.
#   /dav/  read-write (PUT, DELETE, ...); HTTP Basic auth when USER and PASSWORD are given
#   /pub/  the same folder, read-only and anonymous (what a verifier page fetches)
# CORS: Access-Control-Allow-Origin: * on every answer (GET from a page on another origin works).
# Directory listings are off, so object names stay unguessable.
# Usage: scripts/webdav-server.sh PORT DIR [USER PASSWORD]   (runs in the foreground)
# Python: $BACKPACK_PYTHON (the venv scripts/setup.sh makes), else python3.
set -euo pipefail
if [ $# -ne 2 ] && [ $# -ne 4 ]; then
  echo "usage: $0 PORT DIR [USER PASSWORD]" >&2
  exit 2
fi
mkdir -p "$2"
PY="${BACKPACK_PYTHON:-}"
[ -z "$PY" ] && [ -x /var/tmp/backpack-pyenv/bin/python ] && PY=/var/tmp/backpack-pyenv/bin/python
exec "${PY:-python3}" -c '
import sys
from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp
port, root = int(sys.argv[1]), sys.argv[2]
users = {sys.argv[3]: {"password": sys.argv[4]}} if len(sys.argv) > 4 else True
config = {
    "host": "127.0.0.1",
    "port": port,
    "provider_mapping": {"/dav": root, "/pub": {"root": root, "readonly": True}},
    "simple_dc": {"user_mapping": {"/dav": users, "/pub": True}},
    "http_authenticator": {"accept_basic": True, "accept_digest": False, "default_to_digest": False},
    "cors": {"allow_origin": "*", "allow_methods": ["GET", "HEAD", "OPTIONS"], "allow_headers": ["*"], "max_age": 600},
    "dir_browser": {"enable": False},
    "lock_storage": True,
    "verbose": 1,
    "logging": {"enable_loggers": []},
}
server = wsgi.Server((config["host"], port), WsgiDAVApp(config))
print(f"webdav: http://127.0.0.1:{port}/dav/ (write) and /pub/ (read) serving {root}", flush=True)
try:
    server.start()
except KeyboardInterrupt:
    server.stop()
' "$@"
