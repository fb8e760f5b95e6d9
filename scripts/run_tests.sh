#!/usr/bin/env bash
# Runs the whole suite. The import-linter contracts (pyproject.toml [tool.importlinter]: the layers of
# DESIGN.md §5) run first and fail the run. pytest's exit code 5 (no tests collected) is a failure here, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/lint-imports --no-cache; then
  echo "错误：模块分层约定（import-linter）未通过。" >&2
  exit 1
fi
.venv/bin/pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "错误：没有运行任何测试（pytest 退出码 5）。" >&2
  exit 1
fi
exit $rc
