#!/usr/bin/env bash
# Install the Debian packages that the tests, the browser checks and the PDF need, and the Nu Html Checker.
# `setup-system.sh build` installs only what `invoke build` needs (the diagram, the PDF and its fonts).
# Safe to run again: it does nothing when everything is already there.
set -euo pipefail
part="${1:-all}"
case "$part" in all|build) ;; *) echo "setup-system: unknown part '$part' (use build, or nothing for all)" >&2; exit 2;; esac
# chromium: the browser tests (Playwright drives it; its own browser download cannot work offline).
# fonts-noto-core: Noto Sans/Naskh Arabic and other scripts, so RTL text renders in screenshots and checks.
# poppler-utils: pdftoppm/pdfinfo for the PDF checks.
# graphviz: `dot` draws the data-flow diagram of docs/architecture.md at build time (sphinx.ext.graphviz).
# nodejs: runs the search script against built index shards (tests/test_search.py).
# python3-venv: the README's first command makes a virtual environment (Debian's Python refuses system-wide pip).
# texlive-xetex: xelatex, fontspec and hyperref for the PDF of each volume (Sphinx's LaTeX builder, latex_engine xelatex).
# texlive-latex-recommended, texlive-latex-extra: the LaTeX packages Sphinx's sphinx.sty loads (fncychap, tabulary,
#   titlesec, needspace, wrapfig, capt-of, framed, upquote, ...).
# texlive-fonts-recommended: the standard fonts Sphinx's LaTeX setup names for maths and symbols.
# fonts-freefont-otf: FreeSerif, FreeSans and FreeMono, Sphinx's default fonts under xelatex.
# fonts-hosny-amiri: Amiri, the explicit Arabic font of the PDF (place names, quotes in Arabic).
# latexmk: runs xelatex and makeindex as often as the table of contents and the index need.
# epubcheck: validates the EPUB of each series in the tests.
packages=(graphviz texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
          fonts-freefont-otf fonts-hosny-amiri latexmk)
[ "$part" = build ] || packages+=(chromium fonts-noto-core poppler-utils nodejs python3-venv epubcheck)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Java runs the Nu Html Checker, npm installs it: Debian's packages only when the commands are missing (a
# nodejs from elsewhere brings its own npm, which Debian's npm package would conflict with).
if [ "$part" = all ]; then
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v npm >/dev/null || missing+=(npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all system packages present (${packages[*]})"
else
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup-system: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "$part" = all ] || exit 0

# The Nu Html Checker (the W3C's validator), pinned, from the npm registry into .tools/vnu/ (not committed;
# tests/test_html_valid.py runs it on every page of the sample build). --ignore-scripts: its postinstall
# would download a Java runtime; the machine's Java runs it.
VNU_VERSION=26.9.27
tools="$(cd "$(dirname "$0")/.." && pwd)/.tools/vnu"
if [ "$(cat "$tools/version" 2>/dev/null)" != "$VNU_VERSION" ] || [ ! -f "$tools/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  echo "setup-system: installing the Nu Html Checker (npm vnu-jar@$VNU_VERSION) into $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "vnu-jar@$VNU_VERSION"
  echo "$VNU_VERSION" > "$tools/version"
else
  echo "setup-system: Nu Html Checker $VNU_VERSION present in $tools"
fi
