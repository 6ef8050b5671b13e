#!/usr/bin/env bash
# Command 2 of the README: installs what is missing, builds everything and runs the whole test
# suite; GUI tests run under a virtual X server when there is no display.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
if [ -n "${DISPLAY:-}" ]; then
  ctest --output-on-failure -j"$(nproc)"
else
  xvfb-run -a -s "-screen 0 1280x800x24" ctest --output-on-failure -j"$(nproc)"
fi
