#!/bin/bash
# RVM Kiosk deb post-remove (electron-builder deb.afterRemove; it replaces electron-builder's own
# after-remove.tpl). electron-builder fills in the ${executable} macro; shell variables here are written
# $NAME, never with braces. dpkg has already removed the package's own files (unit, udev rule, updater,
# app); this removes what postinst made. Deposits and credentials in /var/lib/rvm-kiosk are never deleted,
# not even by purge: a customer's credit may still be waiting to sync.
set -e

UNIT=rvm-kiosk.service
PROFILE='/etc/apparmor.d/${executable}'

in_chroot() { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }
apparmor_enabled() { [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; }

case "$1" in
  remove | purge)
    # Unloaded before it is deleted, so the kernel does not keep it until the next boot.
    if [ -f "$PROFILE" ]; then
      if ! in_chroot && apparmor_enabled && command -v apparmor_parser >/dev/null 2>&1; then
        apparmor_parser --remove "$PROFILE" || true
      fi
      rm -f "$PROFILE"
    fi
    rm -f /run/rvm-kiosk.restart-after-upgrade
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
    if [ -d /run/udev ] && command -v udevadm >/dev/null 2>&1; then udevadm control --reload-rules || true; fi
    ;;
esac

case "$1" in
  remove)
    echo "RVM Kiosk removed. Its settings stay in /etc/rvm-kiosk (apt purge rvm-kiosk deletes them) and its data in /var/lib/rvm-kiosk."
    ;;
  purge)
    # Settings and secrets (remote token, passwords, API key).
    rm -rf /etc/rvm-kiosk /var/lib/rvm-kiosk-updates
    if command -v deb-systemd-helper >/dev/null 2>&1; then
      deb-systemd-helper purge "$UNIT" >/dev/null || true
    fi
    echo "RVM Kiosk purged: /etc/rvm-kiosk (settings and secrets) is deleted."
    echo "Kept: /var/lib/rvm-kiosk (deposits, credentials, models, backups) and the user rvm-kiosk. Deposits in it"
    echo "may still be waiting to sync to the platform: delete it by hand only once you know they all reached it."
    ;;
esac
