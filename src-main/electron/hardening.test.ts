import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { appProtocolResponse } from './app-protocol';
import { denyAllPermissions, isBlockedShortcut, isTrustedSender, lockDownWebContents } from './hardening';
import { kioskWindowOptions } from './window-options';

/** A WebContents stand-in: records handlers so the test can fire Electron's events at them. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: (() => { action: string }) | undefined;
  let devToolsClosed = 0;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: () => { action: string }) => (openHandler = h),
    closeDevTools: () => devToolsClosed++,
  });
  const fire = (name: string, ...args: unknown[]) => {
    let prevented = false;
    emitter.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  };
  return { contents, fire, openHandler: () => openHandler?.(), devToolsClosed: () => devToolsClosed };
}

describe('kiosk window options', () => {
  it('follows the security checklist in every environment', () => {
    for (const env of ['production', 'staging', 'development']) {
      const web = kioskWindowOptions(env, '/p/preload.cjs').webPreferences!;
      expect(web).toMatchObject({
        preload: '/p/preload.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
      });
    }
  });

  it('is a kiosk without DevTools outside development', () => {
    expect(kioskWindowOptions('production', 'p')).toMatchObject({ kiosk: true, webPreferences: { devTools: false } });
    expect(kioskWindowOptions('staging', 'p')).toMatchObject({ kiosk: true, webPreferences: { devTools: false } });
    expect(kioskWindowOptions('development', 'p')).toMatchObject({ kiosk: false, webPreferences: { devTools: true } });
  });
});

describe('web contents lock-down', () => {
  it('blocks navigation and redirects away from app://, new windows and webviews', () => {
    const f = fakeContents();
    lockDownWebContents(f.contents as never, true);
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.fire('will-redirect', 'http://127.0.0.1:8787/')).toBe(true);
    expect(f.fire('will-navigate', 'app://rvm/index.html')).toBe(false);
    expect(f.fire('will-attach-webview')).toBe(true);
    expect(f.openHandler()).toEqual({ action: 'deny' });
  });

  it('swallows reload and DevTools shortcuts and closes DevTools in lock-down only', () => {
    const locked = fakeContents();
    lockDownWebContents(locked.contents as never, true);
    const key = (k: string, mods: Partial<Record<'control' | 'shift' | 'alt' | 'meta', boolean>> = {}) => ({
      type: 'keyDown',
      key: k,
      control: false,
      shift: false,
      alt: false,
      meta: false,
      ...mods,
    });
    expect(locked.fire('before-input-event', key('r', { control: true }))).toBe(true);
    expect(locked.fire('before-input-event', key('F5'))).toBe(true);
    expect(locked.fire('before-input-event', key('I', { control: true, shift: true }))).toBe(true);
    expect(locked.fire('before-input-event', key('a'))).toBe(false);
    locked.fire('devtools-opened');
    expect(locked.devToolsClosed()).toBe(1);

    const dev = fakeContents();
    lockDownWebContents(dev.contents as never, false);
    expect(dev.fire('before-input-event', key('r', { control: true }))).toBe(false);
    expect(isBlockedShortcut(key('F12'))).toBe(true);
    expect(isBlockedShortcut({ ...key('r', { control: true }), type: 'keyUp' })).toBe(false);
  });

  it('denies every permission request and check', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    };
    denyAllPermissions(session as never);
    for (const permission of ['media', 'geolocation', 'notifications', 'hid', 'serial']) {
      let granted: boolean | undefined;
      handlers.request!({}, permission, (g: boolean) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(handlers.check!({}, permission)).toBe(false);
    }
    expect(handlers.device!({})).toBe(false);
  });

  it('trusts only our window main frame showing app://', () => {
    const mainFrame = { url: 'app://rvm/index.html' };
    const window = { webContents: { mainFrame } } as never;
    expect(isTrustedSender(mainFrame as never, window)).toBe(true);
    expect(isTrustedSender({ url: 'app://rvm/index.html' } as never, window)).toBe(false);
    expect(isTrustedSender(null, window)).toBe(false);
    const navigated = { url: 'https://evil.example/' };
    expect(isTrustedSender(navigated as never, { webContents: { mainFrame: navigated } } as never)).toBe(false);
  });
});

describe('app:// protocol', () => {
  const t = tempDir('rvm-proto-');
  mkdirSync(join(t.dir, 'renderer'));
  writeFileSync(join(t.dir, 'renderer', 'index.html'), '<!doctype html>ok');
  writeFileSync(join(t.dir, 'secret.txt'), 'secret');
  afterAll(() => t.cleanup());
  const root = join(t.dir, 'renderer');

  it('serves the renderer with the CSP and refuses traversal and other hosts', async () => {
    const ok = await appProtocolResponse({ url: 'app://rvm/index.html' }, root);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await ok.text()).toBe('<!doctype html>ok');
    for (const url of ['app://rvm/%2e%2e/secret.txt', 'app://rvm/..%2fsecret.txt', 'app://other/index.html']) {
      expect((await appProtocolResponse({ url }, root)).status, url).toBe(404);
    }
    expect((await appProtocolResponse({ url: 'app://rvm/index.html', method: 'POST' }, root)).status).toBe(405);
  });
});
