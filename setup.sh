#!/usr/bin/env bash
# Set up servisim in ./.venv (Python >= 3.12; Mesa 3.5 needs it). Safe to run again.
# Usage: ./setup.sh            -> the package and its runtime dependencies
#        ./setup.sh --dev      -> also what the tests need: pytest, hypothesis, ruff, playwright,
#                                 Debian chromium (when missing and apt can install it) and
#                                 Solara's browser files for offline use
set -euo pipefail
cd "$(dirname "$0")"

# A second setup.sh started while one runs (two terminals, or a test run beside a setup) would
# rebuild .venv under the first one's pip: the second waits for the first to finish instead.
if command -v flock >/dev/null 2>&1; then
  exec 9>.setup.lock
  if ! flock -n 9; then
    echo "setup.sh: another setup.sh is running in $(pwd); waiting for it to finish" >&2
    flock 9
  fi
fi

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
PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}" 2>&1 \
  | grep -v -e "^WARNING: Location" -e "^$" || true
if [ "${1:-}" = "--dev" ]; then
  # The browser tests drive Debian's chromium with Playwright (never `playwright install`,
  # which downloads a browser). Install it when missing and apt can do so, else say why not.
  if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      echo "setup.sh: installing Debian chromium for the browser tests"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
        >/dev/null) || echo "setup.sh: could not install chromium; the browser tests need it" >&2
    else
      echo "setup.sh: no chromium, and apt-get is unavailable or this is not root: the browser" \
           "tests will be skipped (install the Debian package chromium to run them)" >&2
    fi
  fi
  # Solara fetches its front-end files from a CDN; fill its cache once so the app works offline.
  scripts/offline_assets.sh .venv || echo "setup.sh: Solara's offline files are missing (npm" \
    "needed once): the app and its browser tests need internet" >&2
fi
# Compile the model's kernels once, here, into numba's on-disk cache (about 45 s the first
# time, a second or two after): no run, batch worker or app session then pays the compile.
.venv/bin/python -c 'import mesa
from model import ServitizationModel
ServitizationModel(rng=0, population_scale=0.05).run()
print("servisim ready: mesa", mesa.__version__, "(model kernels compiled and cached)")'
