#!/usr/bin/env bash
# Install R and the CRAN packages the replication scripts use (out/replication/R/, see
# docs/methods.md §Replication in R) from Debian's packages. Safe to run twice: does nothing
# when R and every package are found.
# Usage: scripts/setup_r.sh        (as root, or with sudo available)
set -euo pipefail

# R package name -> Debian package
declare -A DEBS=(
  [survival]=r-cran-survival [lme4]=r-cran-lme4 [cmprsk]=r-cran-cmprsk
  [Matching]=r-cran-matching [survey]=r-cran-survey [haven]=r-cran-haven
  [sandwich]=r-cran-sandwich [nnet]=r-cran-nnet
)

missing=()
if ! command -v Rscript >/dev/null 2>&1; then
  missing+=(r-base-core)
  for pkg in "${!DEBS[@]}"; do missing+=("${DEBS[$pkg]}"); done
else
  for pkg in "${!DEBS[@]}"; do
    if ! Rscript -e "quit(status = !requireNamespace('$pkg', quietly = TRUE))" >/dev/null 2>&1; then
      missing+=("${DEBS[$pkg]}")
    fi
  done
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "R already installed: $(Rscript --version 2>&1 | head -n 1) with survival, lme4, cmprsk, Matching, survey, haven, sandwich, nnet"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "no apt-get here: install R and ${missing[*]} yourself" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "need root (or sudo) to install ${missing[*]} with apt-get" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update
# Only those this Debian has: a package missing from the archive is named, not fatal.
available=()
for deb in "${missing[@]}"; do
  if apt-cache show "$deb" >/dev/null 2>&1; then
    available+=("$deb")
  else
    echo "setup_r: Debian has no $deb here; skipped" >&2
  fi
done
if [ ${#available[@]} -gt 0 ]; then
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${available[@]}"
fi
echo "installed: ${available[*]}"
