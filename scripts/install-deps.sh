#!/usr/bin/env bash
# Installs every Debian package galaxyzoo needs to build, test, benchmark and document.
# Idempotent and non-interactive: packages already present are left alone.
#
#   sudo scripts/install-deps.sh          # build + test + docs + benchmark dependencies
#
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  ccache                     # compiler cache: rebuilds and the repeated CI builds reuse objects
  clang-format               # the style check (scripts/check-format.sh, .clang-format)
  # the library's dependencies
  libtorch-dev libgloo-dev   # LibTorch 1.13 (CPU); gloo for its distributed headers
  libvips-dev                # image I/O and processing
  libcfitsio-dev             # FITS images: any HDU, tile-compressed .fits.fz (images/fits_image.cpp)
  wcslib-dev                 # world coordinates of survey images: classify's sky cutouts
  libjpeg62-turbo-dev        # libjpeg-turbo: the JPEG fast path (decode, crop, encode)
  libeigen3-dev              # tables and metrics
  nlohmann-json3-dev         # JSON (manifests, options, summaries)
  libcli11-dev               # command-line parsing in the example programs
  libsqlite3-dev             # HPO study storage
  zlib1g-dev                 # CRC-32 of model files (zip records) and checkpoints
  libpq-dev                  # HPO study storage shared by several machines (PostgreSQL client)
  postgresql                 # the PostgreSQL server the storage tests start on loopback
  # tests, docs, packaging and benchmarks
  libboost-test-dev doxygen graphviz
  clang libclang-rt-14-dev llvm   # sanitizer and libFuzzer builds (scripts/test-sanitizers.sh)
  fonts-dejavu-core          # text in the rendered plots (SVG through libvips and librsvg)
  python3 python3-venv python3-pip python3-pandas python3-numpy
  python3-pil                # Pillow, the reference in bench/bench_preprocess.py
  python3-torch python3-torchvision  # reference of the VGG16 weight-mapping test
  python3-sklearn            # reference of the metrics test
  python3-optuna             # Optuna 3.1 opens the studies galaxyzoo exports (hpo/optuna_export)
  python3-opencv             # reference of the area resampling and augmentation tests
  python3-astropy            # reference of the FITS zscale test (ZScaleInterval)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
