#!/bin/bash
# RVM Kiosk deb post-remove (electron-builder deb.afterRemove). Deposits and credentials in
# /var/lib/rvm-kiosk are never deleted here: a customer's credit may still be waiting to sync.
set -e

case "$1" in
  remove|purge)
    if [ -d /run/systemd/system ]; then
      systemctl disable --now rvm-kiosk.service 2>/dev/null || true
    fi
    rm -f /etc/systemd/system/rvm-kiosk.service /etc/udev/rules.d/70-rvm-kiosk.rules /usr/sbin/rvm-kiosk-update
    rm -f '/usr/bin/${executable}'
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
    echo "RVM Kiosk removed. Its data stays in /var/lib/rvm-kiosk (delete it by hand once every deposit has synced)."
    ;;
  upgrade|failed-upgrade|abort-install|abort-upgrade|disappear)
    ;;
esac
