#!/usr/bin/env bash
# Set up servisim in ./.venv (Python >= 3.12; Mesa 3.5 needs it). Safe to run again.
# Usage: ./setup.sh            -> the package and its runtime dependencies
#        ./setup.sh --dev      -> also the test tools (pytest, hypothesis, ruff, playwright)
set -euo pipefail
cd "$(dirname "$0")"

find_python() {
  local c
  for c in "${SERVISIM_PYTHON:-}" python3.12 python3.13 python3.14 python3 \
           /root/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.13*/bin/python3.13 \
           /usr/bin/python3.12 /usr/bin/python3.13; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || continue
    if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      echo "$c"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  py=$(find_python) || { echo "setup.sh: need Python >= 3.12 (set SERVISIM_PYTHON=/path/to/python3.12)" >&2; exit 1; }
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}" 2>&1 \
  | grep -v -e "^WARNING: Location" -e "^$" || true
.venv/bin/python -c 'import model, mesa; print("servisim ready: mesa", mesa.__version__)'
