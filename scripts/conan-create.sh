#!/usr/bin/env bash
# Creates the galaxyzoo Conan 2 package from conan/ and runs conan/test_package against it,
# with Debian 12's system packages as the dependencies (conan/profiles/debian12).
#
#   scripts/conan-create.sh [BUILD_DIR] [EXTRA CONAN CREATE ARGS...]
#
# BUILD_DIR defaults to <repo>/build; Conan's home (cache, profiles, settings) is
# BUILD_DIR/conan-home, so ~/.conan2 is never touched. Conan 2 itself is installed with pip
# into <repo>/.venv when missing. Idempotent and non-interactive; exits non-zero on failure.
# Example: scripts/conan-create.sh build-conan -o 'galaxyzoo/*:shared=True'
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-$repo/build}"
[ $# -gt 0 ] && shift
mkdir -p "$build_dir"
build_dir="$(cd "$build_dir" && pwd)"

# Debian's interpreter (as on a fresh Debian 12), not a pyenv/conda one that happens to
# be first on PATH.
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; else python="$(command -v python3)"; fi

venv="$repo/.venv"
conan="$venv/bin/conan"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
  echo "conan-create: creating $venv with $python"
  rm -rf "$venv"
  if ! "$python" -m venv "$venv"; then
    echo "conan-create: '$python -m venv' failed; on Debian install python3-venv (scripts/install-deps.sh)" >&2
    exit 1
  fi
fi
if ! "$conan" --version 2>/dev/null | grep -q '^Conan version 2\.'; then
  echo "conan-create: installing Conan 2 into $venv"
  "$venv/bin/python" -m pip install --quiet 'conan>=2.0.5,<3'
fi

export CONAN_HOME="$build_dir/conan-home"
mkdir -p "$CONAN_HOME"

# ccache (when installed; the project's CMake compiles through it, GALAXYZOO_CCACHE) keys
# objects by their compiler command lines, which name the sources and include folders by
# absolute paths in the build folder Conan makes for each create (CONAN_HOME/p/b/galaxNNN,
# NNN new each time): under CCACHE_BASEDIR, ccache makes them relative, so that the next
# create, and the next clone's, reuse this one's objects. The base is the deepest folder
# holding both the clone and CONAN_HOME (a caller's CCACHE_BASEDIR that holds CONAN_HOME
# is kept).
if [ -z "${CCACHE_BASEDIR:-}" ] || [ "${CONAN_HOME#"${CCACHE_BASEDIR%/}"/}" = "$CONAN_HOME" ]; then
  base=$repo
  while [ "${CONAN_HOME#"${base%/}"/}" = "$CONAN_HOME" ]; do base=$(dirname "$base"); done
  export CCACHE_BASEDIR=$base
fi
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
echo "conan-create: CCACHE_BASEDIR=$CCACHE_BASEDIR"
# conan/profiles/debian12 is what the build uses; the default profile is only created
# because some Conan commands insist on one.
if [ ! -f "$CONAN_HOME/profiles/default" ]; then
  "$conan" profile detect
fi
"$conan" --version

# The Torch of the galaxyzoo build in BUILD_DIR, when it has one and it is not Debian's
# (the torch wheel's LibTorch 2.x of scripts/build-cuda-libtorch.sh): Conan's build and
# test_package find it through that build's CMAKE_PREFIX_PATH, and a profile added after
# debian12 names its version as the platform's libtorch.
profiles=(--profile:all "$repo/conan/profiles/debian12")
cache="$build_dir/CMakeCache.txt"
torch_dir=$(sed -n 's/^Torch_DIR:PATH=//p' "$cache" 2>/dev/null || true)
if [ -n "$torch_dir" ] && [ "${torch_dir#/usr/}" = "$torch_dir" ]; then
  torch_version=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$torch_dir/TorchConfigVersion.cmake")
  prefix_path=$(sed -n 's/^CMAKE_PREFIX_PATH:[A-Z]*=//p' "$cache")
  export CMAKE_PREFIX_PATH="${prefix_path//;/:}${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  printf '[platform_requires]\nlibtorch/%s\n' "$torch_version" >"$CONAN_HOME/profiles/build-torch"
  profiles+=(--profile:all "$CONAN_HOME/profiles/build-torch")
  echo "conan-create: LibTorch $torch_version from $torch_dir"
fi

# --no-remote: every dependency is a platform requirement, so nothing is downloaded and
# an unreachable ConanCenter is never contacted.
start=$SECONDS
status=0
"$conan" create "$repo/conan" \
  "${profiles[@]}" \
  --build=missing --no-remote \
  -cc core:non_interactive=True \
  "$@" || status=$?
echo "conan-create: conan create took $((SECONDS - start)) s (exit status $status)"
exit "$status"
