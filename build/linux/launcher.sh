#!/bin/sh
# /usr/bin/rvm-kiosk: starts RVM Kiosk, or runs a technician command in the same binary.
#   rvm-kiosk                          the kiosk itself (systemd does this: systemctl start rvm-kiosk)
#   rvm-kiosk <command> [arguments]    maintenance, backup, store, platform, detect; rvm-kiosk help lists them
# A command runs in Electron's main process without a window, so it needs no display (Ozone's headless
# platform, no GPU) and no sandbox (it loads no web content; Chromium refuses root without --no-sandbox).
# Run commands as the kiosk user so the files stay its own: sudo -u rvm-kiosk rvm-kiosk backup list
APP='/opt/RVM Kiosk/rvm-kiosk'
RVM_DATA_DIR=${RVM_DATA_DIR:-/var/lib/rvm-kiosk}
export RVM_DATA_DIR

# Any first word (not a switch) is a command: a typo is answered with the list, never a second kiosk.
case "${1:-}" in
  '' | -*)
    exec "$APP" "$@"
    ;;
  *)
    exec "$APP" --ozone-platform=headless --disable-gpu --no-sandbox "$@"
    ;;
esac
