#!/usr/bin/env bash
# Installs the Pegasus 5 Python API (PyPI's pegasus-wms.api, which brings PyYAML) into
# <repo>/.venv (made from Debian's python3, as scripts/conan-create.sh makes it), for
# pegasus/galaxyzoo_workflow.py and its tests (tests/pegasus/). pegasus-plan itself (Java,
# with HTCondor) is not on PyPI: install it on the submit host from the Pegasus packages.
# Idempotent: does nothing when .venv already imports Pegasus.api, unless given --upgrade.
#
#   scripts/install-pegasus.sh [--upgrade]
set -euo pipefail
[ "${1:-}" = --upgrade ] && export VENV_UPGRADE=1
# shellcheck source=venv-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/venv-common.sh" install-pegasus
venv_install 'import Pegasus.api' 'pegasus-wms.api>=5.0,<6'
"$venv/bin/python" -c 'import importlib.metadata as m; print("install-pegasus: pegasus-wms.api", m.version("pegasus-wms.api"), "in .venv")'
