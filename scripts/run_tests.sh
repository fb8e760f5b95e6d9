#!/usr/bin/env bash
# Runs the whole suite. pytest's exit code 5 (no tests collected) is a failure here, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "错误：没有运行任何测试（pytest 退出码 5）。" >&2
  exit 1
fi
exit $rc
