#!/usr/bin/env bash
# Installs the Pegasus 5 Python API (PyPI's pegasus-wms.api, which brings PyYAML) into
# <repo>/.venv (made from Debian's python3, as scripts/conan-create.sh makes it), for
# pegasus/galaxyzoo_workflow.py and its tests (tests/pegasus/). pegasus-plan itself (Java,
# with HTCondor) is not on PyPI: install it on the submit host from the Pegasus packages.
# Idempotent: does nothing when .venv already imports Pegasus.api, unless given --upgrade.
#
#   scripts/install-pegasus.sh [--upgrade]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.venv"
base=/usr/bin/python3
[ -x "$base" ] || base="$(command -v python3)"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
  echo "install-pegasus: creating $venv with $base"
  rm -rf "$venv"
  "$base" -m venv "$venv" || {
    echo "install-pegasus: '$base -m venv' failed; install python3-venv (scripts/install-deps.sh)" >&2
    exit 1
  }
fi
if [ "${1:-}" = --upgrade ] || ! "$venv/bin/python" -c 'import Pegasus.api' >/dev/null 2>&1; then
  echo "install-pegasus: installing pegasus-wms.api 5 from PyPI into $venv"
  "$venv/bin/python" -m pip install --quiet --upgrade 'pegasus-wms.api>=5.0,<6'
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("install-pegasus: pegasus-wms.api", m.version("pegasus-wms.api"), "in .venv")'
