# Shared by scripts/run, scripts/test and scripts/bench: the virtualenv, installed only when needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

QT_LIBS_OFFSCREEN="libglib2.0-0 libgl1 libegl1 libx11-6 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3"
QT_LIBS_XVFB="xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1"
PG_PACKAGES="postgresql"
FONT_PACKAGES="fonts-dejavu-core fonts-noto-ui-core"  # Noto Sans Arabic UI: the Arabic question screens
PSPP_PACKAGES="pspp"  # GNU PSPP: the tests read cati's .sav files with a second, independent reader
BARESIP_PACKAGES="baresip-core"  # the softphone: the tests call a second baresip on 127.0.0.1

missing_debs() {  # prints the packages of "$@" that dpkg does not have installed
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

ensure_debs() {  # ensure_debs PKG...: apt-get install when root, else print the exact line and fail
  command -v dpkg-query >/dev/null || return 0
  local missing
  missing="$(missing_debs "$@")"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "» apt-get install $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Missing system packages. Run as root:"
    echo "  sudo apt-get install -y $missing"
    return 1
  fi
}

ensure_venv() {  # ensure_venv EXTRAS: create .venv and (re)install when pyproject.toml changed
  local extras="$1" stamp="$VENV/.cati-installed"
  local want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)-$extras"
  if [ ! -x "$PY" ]; then
    echo "» creating .venv"
    python3 -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "» installing cati[$extras] into .venv"
    local log="$VENV/pip-install.log"
    if ! { "$PY" -m pip install -q --upgrade pip && "$PY" -m pip install -q -e "$ROOT[$extras]"; } >"$log" 2>&1; then
      cat "$log"; echo "pip install failed (log: $log)"; return 1
    fi
    echo "$want" > "$stamp"
  fi
}
