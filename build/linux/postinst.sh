#!/bin/bash
# RVM Kiosk deb post-install (electron-builder deb.afterInstall). electron-builder fills in the
# ${executable} and ${sanitizedProductName} macros; shell variables here are written $NAME, never
# with braces (any other braced name would stop the build).
set -e

APP_DIR='/opt/${sanitizedProductName}'
LINUX_DIR="$APP_DIR/resources/linux"
KIOSK_USER=rvm-kiosk
DATA_DIR=/var/lib/rvm-kiosk

# What electron-builder's own post-install does (this script replaces it): the command link and
# Chromium's sandbox helper.
ln -sf "$APP_DIR/${executable}" '/usr/bin/${executable}'
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

# The dedicated user: no password, no login shell, its home is the data folder.
if ! getent passwd "$KIOSK_USER" >/dev/null; then
  useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin \
    --comment 'RVM Kiosk' "$KIOSK_USER"
fi
for group in video render input dialout; do
  if getent group "$group" >/dev/null; then usermod -a -G "$group" "$KIOSK_USER"; fi
done

# Data (deposits, credentials, models, backups) survives upgrades and removal.
install -d -o "$KIOSK_USER" -g "$KIOSK_USER" -m 0750 "$DATA_DIR"
install -d -m 0755 /etc/rvm-kiosk
if [ ! -e /etc/rvm-kiosk/environment ]; then
  install -m 0640 -g "$KIOSK_USER" "$LINUX_DIR/environment" /etc/rvm-kiosk/environment
fi
install -m 0755 "$LINUX_DIR/rvm-kiosk-update" /usr/sbin/rvm-kiosk-update
install -d -m 0750 /var/lib/rvm-kiosk-updates

install -m 0644 "$LINUX_DIR/70-rvm-kiosk.rules" /etc/udev/rules.d/70-rvm-kiosk.rules
if command -v udevadm >/dev/null; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=video4linux --subsystem-match=tty || true
fi

install -m 0644 "$LINUX_DIR/rvm-kiosk.service" /etc/systemd/system/rvm-kiosk.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable rvm-kiosk.service
  # An upgrade restarts the kiosk on the new version (the updater waited for a safe moment).
  if systemctl is-active --quiet rvm-kiosk.service; then systemctl restart rvm-kiosk.service || true; fi
fi

echo "RVM Kiosk installed. Start it with: systemctl start rvm-kiosk (or reboot)."
echo "First boot shows the setup screen; its one-time code is in: journalctl -u rvm-kiosk | grep 'setup code'"
