#!/usr/bin/env bash
# Installs the current Optuna from PyPI (with pandas, which its trials_dataframe() needs)
# into <repo>/.venv, for the tests that open galaxyzoo's Optuna journal with both Debian's
# python3-optuna (3.1, scripts/install-deps.sh) and the newest release (optuna_journal.*,
# examples.vgg16_hpo). Idempotent: does nothing when .venv already imports both, unless
# given --upgrade.
#
#   scripts/install-optuna.sh [--upgrade]
set -euo pipefail
[ "${1:-}" = --upgrade ] && export VENV_UPGRADE=1
# shellcheck source=venv-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/venv-common.sh" install-optuna
venv_install 'import optuna, pandas' optuna pandas
"$venv/bin/python" -c 'import optuna; print("install-optuna: optuna", optuna.__version__, "in .venv")'
