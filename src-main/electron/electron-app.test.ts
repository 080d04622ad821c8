import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_CHANNELS } from '../../src-preload/contract';
import { tempDir } from '../../test/support/test-core';
import { runElectronApp, type ElectronApi } from './electron-app';

/**
 * A recording stand-in for the Electron module (no Electron binary can run here). It lets the test
 * check that the real start-up code applies every hardening step, in order, from the code itself.
 */
function fakeElectron(options: { gotLock?: boolean } = {}) {
  const calls: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), options.gotLock ?? true),
    quit: () => calls.push('quit'),
    exit: (code: number) => calls.push(`exit:${code}`),
    setPath: (name: string) => calls.push(`setPath:${name}`),
    whenReady: () => (calls.push('whenReady'), Promise.resolve()),
    commandLine: { appendSwitch: (name: string, value?: string) => calls.push(`switch:${name}=${value ?? ''}`) },
    disableHardwareAcceleration: () => calls.push('disableHardwareAcceleration'),
  });
  const windows: Array<EventEmitter & { options: unknown; webContents: EventEmitter & { reloads: number } }> = [];
  class BrowserWindow extends EventEmitter {
    readonly webContents = Object.assign(new EventEmitter(), {
      reloads: 0,
      reload() {
        this.reloads++;
      },
      send: () => undefined,
      forcefullyCrashRenderer: () => calls.push('forcefullyCrashRenderer'),
      mainFrame: { url: 'app://rvm/index.html' },
    });
    #visible = false;
    constructor(readonly options: unknown) {
      super();
      windows.push(this as never);
    }
    loadURL(url: string) {
      calls.push(`loadURL:${url}`);
      return Promise.resolve();
    }
    show() {
      this.#visible = true;
      calls.push('show');
    }
    isVisible() {
      return this.#visible;
    }
    isDestroyed() {
      return false;
    }
    focus() {
      calls.push('focus');
    }
  }
  const handled: string[] = [];
  const electron = {
    app,
    BrowserWindow,
    ipcMain: { handle: (c: string) => handled.push(c), removeHandler: () => undefined },
    protocol: {
      registerSchemesAsPrivileged: (schemes: Array<{ scheme: string; privileges: object }>) =>
        calls.push(`registerSchemes:${JSON.stringify(schemes)}`),
      handle: (scheme: string) => calls.push(`protocol.handle:${scheme}`),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => calls.push('deny:request'),
        setPermissionCheckHandler: () => calls.push('deny:check'),
        setDevicePermissionHandler: () => calls.push('deny:device'),
      },
    },
    powerSaveBlocker: { start: (type: string) => (calls.push(`powerSaveBlocker:${type}`), 1) },
    Menu: { setApplicationMenu: (menu: unknown) => calls.push(`setApplicationMenu:${String(menu)}`) },
    dialog: { showErrorBox: (title: string, body: string) => calls.push(`errorBox:${title}:${body}`) },
    utilityProcess: { fork: (path: string) => (calls.push(`utilityProcess.fork:${path}`), undefined) },
  };
  // The process's last-resort handlers go here, not on the test runner's own process.
  const proc = new EventEmitter();
  return { electron: electron as unknown as ElectronApi, calls, windows, handled, app, proc };
}

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
function dataDir() {
  const t = tempDir('rvm-electron-');
  dirs.push(t);
  return t.dir;
}
const paths = {
  preload: '/app/dist/preload/preload.cjs',
  rendererDir: '/app/dist/renderer',
  inferenceWorker: '/app/dist/main/inference-worker.js',
  barcodeWorker: '/app/dist/main/barcode-worker.js',
};

describe('runElectronApp', () => {
  it('starts locked down: privileged app:// before ready, deny-all permissions, no menu, IPC, no display sleep', async () => {
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir() }, paths, f.proc);
    const index = (prefix: string) => f.calls.findIndex((c) => c.startsWith(prefix));
    expect(f.calls[0]).toMatch(/^registerSchemes:.*"scheme":"app".*"secure":true/);
    expect(index('registerSchemes')).toBeLessThan(index('whenReady'));
    expect(index('requestSingleInstanceLock')).toBeLessThan(index('whenReady'));
    expect(f.calls).toEqual(
      expect.arrayContaining([
        'deny:request',
        'deny:check',
        'deny:device',
        'protocol.handle:app',
        'setApplicationMenu:null',
        'powerSaveBlocker:prevent-display-sleep',
        'loadURL:app://rvm/index.html',
      ]),
    );
    expect(f.handled.sort()).toEqual([...CALL_CHANNELS].sort());
    expect(f.windows).toHaveLength(1);
    expect(f.windows[0]!.options).toMatchObject({
      kiosk: true,
      webPreferences: {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        devTools: false,
        preload: paths.preload,
      },
    });
    expect(f.app.listenerCount('web-contents-created')).toBe(1);
    f.app.emit('before-quit');
  });

  it('takes the single-instance lock after userData is set, and sets the cage-friendly switches first', async () => {
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir() }, paths, f.proc);
    const index = (c: string) => f.calls.indexOf(c);
    expect(index('setPath:userData')).toBeLessThan(index('requestSingleInstanceLock'));
    expect(index('switch:password-store=basic')).toBeGreaterThan(-1);
    expect(index('switch:autoplay-policy=no-user-gesture-required')).toBeGreaterThan(-1);
    expect(index('switch:password-store=basic')).toBeLessThan(index('whenReady'));
    expect(f.calls).not.toContain('disableHardwareAcceleration');
    f.app.emit('before-quit');
  });

  it('shows the window when the page loads even if ready-to-show never comes (Wayland), and reports the screen', async () => {
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir() }, paths, f.proc);
    expect(f.calls).not.toContain('show');
    f.windows[0]!.webContents.emit('did-finish-load');
    expect(f.calls).toContain('show');
    f.app.emit('before-quit');
  });

  it('turns GPU acceleration off before ready when screen.disableGpu is set', async () => {
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir(), RVM_SCREEN__DISABLE_GPU: 'true' }, paths, f.proc);
    expect(f.calls.indexOf('disableHardwareAcceleration')).toBeGreaterThan(-1);
    expect(f.calls.indexOf('disableHardwareAcceleration')).toBeLessThan(f.calls.indexOf('whenReady'));
    f.app.emit('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 1 });
    f.app.emit('before-quit');
  });

  it('quits at once when another instance holds the lock', async () => {
    const f = fakeElectron({ gotLock: false });
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir() }, paths, f.proc);
    expect(f.calls).toContain('quit');
    expect(f.calls).not.toContain('whenReady');
    expect(f.windows).toHaveLength(0);
  });

  it('reloads the renderer when its process is gone', async () => {
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir() }, paths, f.proc);
    f.windows[0]!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(f.windows[0]!.webContents.reloads).toBe(1);
    f.app.emit('before-quit');
  });

  it('an uncaught error in main is logged and exits 70 for systemd, with no dialog; a rejection keeps serving', async () => {
    const dir = dataDir();
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dir }, paths, f.proc);
    f.proc.emit('unhandledRejection', new Error('a lost promise'), Promise.resolve());
    expect(f.calls).not.toContain('exit:70');
    f.proc.emit('uncaughtException', new Error('boom in a handler'), 'uncaughtException');
    expect(f.calls).toContain('exit:70');
    expect(f.calls.some((c) => c.startsWith('errorBox:'))).toBe(false);
    f.app.emit('before-quit');
    await expect
      .poll(() => readFileSync(join(dir, 'logs', 'rvm-kiosk.log'), 'utf8'))
      .toMatch(/uncaught exception in electron main[\s\S]*boom in a handler/);
    expect(readFileSync(join(dir, 'logs', 'rvm-kiosk.log'), 'utf8')).toMatch(
      /unhandled promise rejection[\s\S]*a lost promise/,
    );
  });

  it('keeps the menu and DevTools in development', async () => {
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dataDir(), RVM_ENVIRONMENT: 'development' }, paths, f.proc);
    expect(f.calls.some((c) => c.startsWith('setApplicationMenu'))).toBe(false);
    expect(f.windows[0]!.options).toMatchObject({ kiosk: false, webPreferences: { devTools: true } });
    f.app.emit('before-quit');
  });

  it('starts on config.last-good.json when config.json breaks, and says so in health and the log', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'config.json'), '{"machine": {"name": "RVM-OK"}}');
    const first = fakeElectron();
    await runElectronApp(first.electron, { RVM_DATA_DIR: dir }, paths, first.proc);
    first.app.emit('before-quit');
    writeFileSync(join(dir, 'config.json'), '{"machine": {"name": ""}}');
    const f = fakeElectron();
    await runElectronApp(f.electron, { RVM_DATA_DIR: dir }, paths, f.proc);
    expect(f.calls).not.toContain('exit:78');
    expect(f.windows).toHaveLength(1);
    f.app.emit('before-quit');
    await expect
      .poll(() => readFileSync(join(dir, 'logs', 'rvm-kiosk.log'), 'utf8'))
      .toMatch(/config\.json is invalid: machine\.name .*Running on .*config\.last-good\.json/);
  });

  it('refuses to start with no valid config at all: the key in the journal, exit 78, no dialog, file untouched', async () => {
    const dir = dataDir();
    const bad = '{"remote": {"port": -1}}';
    writeFileSync(join(dir, 'config.json'), bad);
    const f = fakeElectron();
    const stderr: string[] = [];
    const original = console.error;
    console.error = (line: string) => void stderr.push(line);
    try {
      await runElectronApp(f.electron, { RVM_DATA_DIR: dir }, paths, f.proc);
    } finally {
      console.error = original;
    }
    expect(stderr.join('\n')).toMatch(/remote\.port = -1/);
    expect(f.calls.some((c) => c.startsWith('errorBox:'))).toBe(false);
    expect(f.calls).toContain('exit:78');
    expect(f.windows).toHaveLength(0);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(bad);
  });
});
