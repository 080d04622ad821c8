#!/bin/bash
# RVM Kiosk deb pre-remove (electron-builder.yml deb.fpm: --before-remove). electron-builder passes this
# file to fpm as it is, without filling in macros: write shell variables $NAME, never with braces.
# Stops the kiosk before dpkg replaces or removes its files; a removal also disables it.
set -e

UNIT=rvm-kiosk.service
# Tells the new version's postinst to start the kiosk again after an upgrade.
RESTART_MARK=/run/rvm-kiosk.restart-after-upgrade

case "$1" in
  upgrade | remove | deconfigure)
    if [ -d /run/systemd/system ]; then
      if [ "$1" = upgrade ] && systemctl is-active --quiet "$UNIT"; then
        : >"$RESTART_MARK"
      fi
      # KillMode=mixed, TimeoutStopSec=20: the core closes the store and finishes the outbox write in flight.
      systemctl stop "$UNIT" || true
    fi
    if [ "$1" = remove ]; then
      # Without a running systemd too (symlinks only). A reinstall enables it again.
      if command -v deb-systemd-helper >/dev/null 2>&1; then
        deb-systemd-helper purge "$UNIT" >/dev/null || true
      else
        systemctl disable "$UNIT" || true
      fi
    fi
    ;;
  failed-upgrade) ;;
esac
