#!/usr/bin/env bash
# Install the Debian packages that the tests, the browser checks and the PDF need.
# Safe to run again: it does nothing when everything is already there.
set -euo pipefail
# chromium: the browser tests (Playwright drives it; its own browser download cannot work offline).
# fonts-noto-core: Noto Sans/Naskh Arabic and other scripts, so RTL text renders in screenshots and checks.
# poppler-utils: pdftoppm/pdfinfo for the PDF checks.
# graphviz: `dot` draws the data-flow diagram of docs/architecture.md at build time (sphinx.ext.graphviz).
# texlive-xetex: xelatex, fontspec and hyperref for the PDF of each volume (Sphinx's LaTeX builder, latex_engine xelatex).
# texlive-latex-recommended, texlive-latex-extra: the LaTeX packages Sphinx's sphinx.sty loads (fncychap, tabulary,
#   titlesec, needspace, wrapfig, capt-of, framed, upquote, ...).
# texlive-fonts-recommended: the standard fonts Sphinx's LaTeX setup names for maths and symbols.
# fonts-freefont-otf: FreeSerif, FreeSans and FreeMono, Sphinx's default fonts under xelatex.
# fonts-hosny-amiri: Amiri, the explicit Arabic font of the PDF (place names, quotes in Arabic).
# latexmk: runs xelatex and makeindex as often as the table of contents and the index need.
# epubcheck: validates the EPUB of each series in the tests.
packages=(chromium fonts-noto-core poppler-utils graphviz texlive-xetex texlive-latex-recommended texlive-latex-extra
          texlive-fonts-recommended fonts-freefont-otf fonts-hosny-amiri latexmk epubcheck)
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
