import type { Input, Session, WebContents, WebFrameMain } from 'electron';
import { APP_ORIGIN } from './window-options';

export const isAppUrl = (url: string): boolean => {
  try {
    return new URL(url).origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
};

/** Main owns the camera and every device: the renderer gets no permission at all. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** No navigation away from app://, no new windows, no webviews; in lock-down no DevTools or reloads. */
export function lockDownWebContents(contents: WebContents, lockedDown: boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  if (!lockedDown) return;
  contents.on('before-input-event', (event, input) => {
    if (isBlockedShortcut(input)) event.preventDefault();
  });
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/** Reload, DevTools, view-source, zoom and print shortcuts: none belong on a public kiosk. */
export function isBlockedShortcut(input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'shift' | 'alt'>): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  if (key === 'f5' || key === 'f12' || key === 'f11') return true;
  if (mod && ['r', 'p', 'u', '+', '-', '=', '0', 'w', 'q'].includes(key)) return true;
  if (mod && input.shift && ['i', 'j', 'c'].includes(key)) return true;
  return input.alt && key === 'f4';
}

/** IPC is answered only for our own window's main frame, showing our own app:// page. */
export function isTrustedSender(
  frame: WebFrameMain | null | undefined,
  window: { webContents: WebContents } | undefined,
): boolean {
  if (!frame || !window) return false;
  return frame === window.webContents.mainFrame && isAppUrl(frame.url);
}
