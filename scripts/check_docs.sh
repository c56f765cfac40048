#!/usr/bin/env bash
# Look at the rendered docs in a real headless browser: screenshots of the landing page, a textbook page with math, an
# experiment record and the results index into _docs/screenshots/. Needs chromium (Debian: apt-get install -y chromium).
# Usage: bash scripts/check_docs.sh [page ...]   (default: index 30_ddim 51_ddss 90_shipped_defaults 95_solvers results)
set -euo pipefail
cd "$(dirname "$0")/.."
B=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$B" ] || { echo "no chromium found: apt-get install -y chromium (Debian) to check the pages in a browser"; exit 1; }
[ -f _docs/index.html ] || { echo "no _docs/index.html: run make docs first"; exit 1; }
mkdir -p _docs/screenshots
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
pages=("$@")
[ ${#pages[@]} -gt 0 ] || pages=(index 30_ddim 51_ddss 90_shipped_defaults 95_solvers results)
for page in "${pages[@]}"; do
  [ -f "_docs/$page.html" ] || { echo "no _docs/$page.html"; exit 1; }
  "$B" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
       --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars --window-size=1400,1800 \
       --virtual-time-budget=20000 --screenshot="$PWD/_docs/screenshots/$page.png" "file://$PWD/_docs/$page.html" \
       >/dev/null 2>&1
  echo "_docs/screenshots/$page.png"
done
