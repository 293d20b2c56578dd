#!/usr/bin/env bash
# Fill Solara's front-end asset cache from the npm registry, so that the app works offline.
#
# The Solara server serves its browser files (Vuetify app, require.js, Font Awesome, the grid
# layout) from <venv>/share/solara/cdn/<name>@<version>/ and downloads missing ones from a
# public CDN, which this machine and CI cannot reach. This script reads the exact versions the
# installed Solara asks for, `npm pack`s each package and unpacks it into that cache.
# Idempotent: a package already in the cache is skipped, so a second run takes about a second.
#
# Usage: scripts/offline_assets.sh [VENV]      (default: ./.venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-${SERVISIM_VENV:-.venv}}
py="$venv/bin/python"
[ -x "$py" ] || { echo "offline_assets.sh: no $py; run ./setup.sh first" >&2; exit 1; }

read -r solara_dir cache < <("$py" - <<'PY'
import os, sys
import solara
print(os.path.dirname(solara.__file__), os.path.join(sys.prefix, "share", "solara", "cdn"))
PY
)

# The versions this Solara asks for, read from its own files (with today's as fallbacks).
pick() {  # pick PATTERN FILE FALLBACK
  local found
  found=$(grep -oh -- "$1" "$2" 2>/dev/null | head -n1 || true)
  echo "${found:-$3}"
}
tpl="$solara_dir/server/templates/solara.html.j2"
specs=(
  "$(pick '@widgetti/solara-vuetify-app@[0-9][0-9A-Za-z.+-]*' "$tpl" '@widgetti/solara-vuetify-app@10.1.1')"
  "$(pick 'requirejs@[0-9][0-9A-Za-z.+-]*' "$tpl" 'requirejs@2.3.6')"
  "$(pick 'font-awesome@[0-9][0-9A-Za-z.+-]*' "$solara_dir/server/settings.py" 'font-awesome@4.5.0')"
  "$(pick '@widgetti/vue-grid-layout@[0-9][0-9A-Za-z.+-]*' "$solara_dir/widgets/vue/gridlayout.vue" '@widgetti/vue-grid-layout@2.3.13-alpha.2')"
)

mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${specs[@]}"; do
  target="$cache/$spec"
  if [ -f "$target/.servisim-complete" ]; then
    continue
  fi
  command -v npm >/dev/null 2>&1 || { echo "offline_assets.sh: npm is needed to fetch $spec" >&2; exit 1; }
  echo "offline_assets.sh: $spec -> $target"
  rm -rf "$work/pack" && mkdir -p "$work/pack"
  tarball=$(cd "$work/pack" && npm pack --silent "$spec" | tail -n1)
  tar -xzf "$work/pack/$tarball" -C "$work/pack"
  mkdir -p "$(dirname "$target")"
  rm -rf "$target.tmp" && mv "$work/pack/package" "$target.tmp"
  touch "$target.tmp/.servisim-complete"
  rm -rf "$target" && mv "$target.tmp" "$target"
done
echo "offline_assets.sh: Solara assets cached in $cache"
