#!/usr/bin/env bash
# Look at the rendered docs in a real headless browser: screenshots of the index and of one notebook page
# (math typeset by MathJax, images present) into _docs/screenshots/. Needs chromium (Debian: apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
B=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$B" ] || { echo "no chromium found: apt-get install chromium (Debian) to check the pages in a browser"; exit 1; }
[ -f _docs/index.html ] || { echo "no _docs/index.html: run make docs first"; exit 1; }
mkdir -p _docs/screenshots
for page in index 52_distill 43_comparison 00_distributed; do
  "$B" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1800 --virtual-time-budget=20000 \
       --screenshot="$PWD/_docs/screenshots/$page.png" "file://$PWD/_docs/$page.html" 2>/dev/null
  echo "_docs/screenshots/$page.png"
done
