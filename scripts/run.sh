#!/usr/bin/env bash
# Command 1 of the README: installs what is missing, builds, and opens the simulator window on the
# default patient. Without a display it runs the same session headless and saves a screenshot.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh" --target dbsprog dbsprog-gui
gui="$root/build/src/gui/dbsprog-gui"

if [ -n "${DISPLAY:-}" ]; then
  exec "$gui" "$@"
fi

echo "No display was found, so the default session runs headless and its picture is saved as a screenshot."
shot="$root/build/screenshots/default-session.png"
mkdir -p "$(dirname "$shot")"
xvfb-run -a -s "-screen 0 1280x800x24" "$gui" --screenshot "$shot" "$@"
