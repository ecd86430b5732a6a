# Sourced by the scripts that pip-install Python tools into <repo>/.venv (install-optuna.sh, install-pegasus.sh):
# makes .venv from Debian's python3 when it is missing or broken, as scripts/conan-create.sh
# does, and defines venv_install.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/venv-common.sh" TOOL
#   venv_install 'import optuna' optuna pandas   # pip install unless the import works
#
# VENV_UPGRADE=1 (or --upgrade as the sourcing script's first argument) installs anyway.
venv_tool=${1:?usage: source venv-common.sh TOOL}
venv_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$venv_repo/.venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
  venv_base=/usr/bin/python3
  [ -x "$venv_base" ] || venv_base="$(command -v python3)"
  echo "$venv_tool: creating $venv with $venv_base"
  rm -rf "$venv"
  "$venv_base" -m venv "$venv" || {
    echo "$venv_tool: '$venv_base -m venv' failed; install python3-venv (scripts/install-deps.sh)" >&2
    exit 1
  }
fi

# venv_install CHECK PIP_SPEC...: runs pip install PIP_SPEC... in .venv unless the Python
# statement CHECK already succeeds there.
venv_install() {
  local check=$1
  shift
  if [ "${VENV_UPGRADE:-0}" = 1 ] || ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
    echo "$venv_tool: installing $* from PyPI into $venv"
    "$venv/bin/python" -m pip install --quiet --upgrade "$@"
  fi
}
