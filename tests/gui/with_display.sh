#!/bin/sh
# Runs a command on an X display: the session's own when DISPLAY is set, otherwise a private
# Xvfb started by xvfb-run (Debian package xvfb). Used by the GUI tests. -noreset: the tests open
# and close many windows, and a server that resets when its last client leaves refuses the next.
if [ -n "${DISPLAY:-}" ]; then
  exec "$@"
fi
if command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1280x800x24 -noreset" "$@"
fi
echo "with_display.sh: no DISPLAY is set and xvfb-run is not installed (apt-get install xvfb)." >&2
exit 1
