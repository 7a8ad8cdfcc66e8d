#!/usr/bin/env bash
# Install the Debian packages that the tests, the browser checks and the PDF need.
# Safe to run again: it does nothing when everything is already there.
set -euo pipefail
# chromium: the browser tests (Playwright drives it; its own browser download cannot work offline).
# fonts-noto-core: Noto Sans/Naskh Arabic and other scripts, so RTL text renders in screenshots and checks.
# poppler-utils: pdftoppm/pdfinfo for the PDF checks.
# graphviz: `dot` draws the data-flow diagram of docs/architecture.md at build time (sphinx.ext.graphviz).
# nodejs: runs the search script against built index shards (tests/test_search.py).
packages=(chromium fonts-noto-core poppler-utils nodejs graphviz)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all system packages present (${packages[*]})"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-system: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
