#!/bin/bash
# RVM Kiosk deb post-install (electron-builder deb.afterInstall; it replaces electron-builder's own
# after-install.tpl and does what that does, for the kiosk). electron-builder fills in the ${executable}
# and ${sanitizedProductName} macros; shell variables here are written $NAME, never with braces (any
# other braced name would stop the build).
#
# The package itself owns the boot files (electron-builder.yml deb.fpm): the unit in
# /usr/lib/systemd/system, the udev rule in /usr/lib/udev/rules.d, /usr/sbin/rvm-kiosk-update,
# /usr/bin/rvm-kiosk and the settings template /usr/share/rvm-kiosk/environment. This script only makes
# what cannot be shipped: the user, the data folder, /etc/rvm-kiosk/environment, the AppArmor profile,
# chrome-sandbox's mode, and the unit's enablement. It also runs in an image build (a chroot without a
# running systemd): everything here works offline.
set -e

APP_DIR='/opt/${sanitizedProductName}'
KIOSK_USER=rvm-kiosk
DATA_DIR=/var/lib/rvm-kiosk
SETTINGS=/etc/rvm-kiosk/environment
UNIT=rvm-kiosk.service
# Written by prerm when an upgrade stopped a running kiosk: start it again on the new version.
RESTART_MARK=/run/rvm-kiosk.restart-after-upgrade
PROFILE_NAME='${executable}'
PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
PROFILE="/etc/apparmor.d/$PROFILE_NAME"

case "$1" in
  configure | abort-upgrade | abort-remove | abort-deconfigure) ;;
  *) exit 0 ;;
esac

# An image build (debootstrap, mkosi, …): the kernel here is not the one that will run the kiosk.
in_chroot() { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }
apparmor_enabled() { [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; }

# The dedicated user: no password, no login shell, its home is the data folder.
if ! getent passwd "$KIOSK_USER" >/dev/null; then
  useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin \
    --comment 'RVM Kiosk' "$KIOSK_USER"
fi
# The unit names these in SupplementaryGroups=, and systemd refuses to start a unit whose group does not
# exist: a system without one (no GPU, so no render group) gets it made here.
for group in video render input dialout lp; do
  getent group "$group" >/dev/null || groupadd --system "$group"
  usermod -a -G "$group" "$KIOSK_USER"
done

# Data (deposits, credentials, models, backups) survives upgrades, removal and purge.
install -d -o "$KIOSK_USER" -g "$KIOSK_USER" -m 0750 "$DATA_DIR"
install -d -m 0750 /var/lib/rvm-kiosk-updates
# Settings and secrets: made once from the template, never overwritten (an administrator's edits survive
# every upgrade); deleted only by purge.
install -d -m 0755 /etc/rvm-kiosk
if [ ! -e "$SETTINGS" ]; then
  install -m 0640 -o root -g "$KIOSK_USER" /usr/share/rvm-kiosk/environment "$SETTINGS"
fi

# The udev rule is read at boot; a running udev picks it up now.
if [ -d /run/udev ] && command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=video4linux --subsystem-match=tty || true
fi

# AppArmor (Ubuntu 24.04+ restricts unprivileged user namespaces): electron-builder's profile lets the
# app create them. It needs AppArmor 4 (abi/4.0); older AppArmor (Debian 12, Ubuntu 22.04) cannot read it
# and needs none. Loaded now on a running machine, at boot otherwise.
profile_loaded=no
if [ -d /etc/apparmor.d ] && command -v apparmor_parser >/dev/null 2>&1 && [ -f "$PROFILE_SOURCE" ]; then
  if apparmor_parser --skip-kernel-load --debug "$PROFILE_SOURCE" >/dev/null 2>&1; then
    install -m 0644 "$PROFILE_SOURCE" "$PROFILE"
    if ! in_chroot && apparmor_enabled; then
      # Not fatal: without it the probe below finds no user namespaces and the SUID sandbox is used.
      if apparmor_parser --replace --write-cache --skip-read-cache "$PROFILE"; then
        profile_loaded=yes
      else
        echo "The kiosk's AppArmor profile did not load (see above); it loads at the next boot." >&2
      fi
    fi
  else
    echo "AppArmor here cannot read the kiosk's profile (it needs AppArmor 4); none is needed: not installed."
  fi
fi

# Can the kiosk user create the user namespaces Chromium's sandbox needs (as the app would: under its
# AppArmor profile when that is loaded)? Root always can, so asking as root proves nothing.
kiosk_user_can_unshare() {
  [ -L /proc/self/ns/user ] || return 1
  set -- unshare --user --map-root-user --net --pid --fork true
  if command -v setpriv >/dev/null 2>&1; then
    set -- setpriv --reuid="$KIOSK_USER" --regid="$KIOSK_USER" --init-groups -- "$@"
  elif command -v runuser >/dev/null 2>&1; then
    set -- runuser -u "$KIOSK_USER" -- "$@"
  else
    return 1
  fi
  if [ "$profile_loaded" = yes ] && command -v aa-exec >/dev/null 2>&1; then
    set -- aa-exec -p "$PROFILE_NAME" -- "$@"
  fi
  (cd / && "$@") >/dev/null 2>&1
}

# Chromium's sandbox helper: unprivileged when the kiosk user has user namespaces, else SUID root (works
# on every kernel). In an image build the device's kernel cannot be asked: SUID.
if ! in_chroot && kiosk_user_can_unshare; then
  chmod 0755 "$APP_DIR/chrome-sandbox"
else
  chmod 4755 "$APP_DIR/chrome-sandbox"
fi

# Boot to the app. Enabling only makes symlinks, so it works without a running systemd (image builds).
# deb-systemd-helper (Debian, Ubuntu) remembers an administrator's "systemctl disable" across upgrades.
if command -v deb-systemd-helper >/dev/null 2>&1; then
  deb-systemd-helper unmask "$UNIT" >/dev/null || true
  if deb-systemd-helper --quiet was-enabled "$UNIT"; then
    deb-systemd-helper enable "$UNIT" >/dev/null
  else
    deb-systemd-helper update-state "$UNIT" >/dev/null
  fi
elif command -v systemctl >/dev/null 2>&1; then
  systemctl enable "$UNIT"
else
  echo "systemd is not installed: $UNIT is not enabled, and nothing starts the kiosk at boot." >&2
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
  # An upgrade starts the kiosk again on the new version (the updater waited for a safe moment). A first
  # install does not: the kiosk takes tty1 over (reboot, or systemctl start rvm-kiosk).
  if [ -e "$RESTART_MARK" ] || systemctl is-active --quiet "$UNIT"; then
    rm -f "$RESTART_MARK"
    systemctl restart "$UNIT" || echo "rvm-kiosk.service did not restart: see journalctl -u rvm-kiosk" >&2
  fi
fi
rm -f "$RESTART_MARK"

if [ -z "$2" ]; then
  echo "RVM Kiosk installed. Start it with: systemctl start rvm-kiosk (or reboot)."
  echo "First boot shows the setup screen; its one-time code is in: journalctl -u rvm-kiosk | grep 'setup code'"
fi
