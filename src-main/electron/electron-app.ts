import { fileURLToPath } from 'node:url';
import type * as ElectronModule from 'electron';
import type { BrowserWindow as BrowserWindowType } from 'electron';
import { ConfigError, resolveDataDir } from '../config/config.loader';
import { isLoopbackHost } from '../config/config.schema';
import { startRemoteServer } from '../remote/remote.server';
import { bootstrap, EXIT_CONFIG, startWatchdog, type Booted } from '../core/bootstrap';
import { installProcessGuards, type ProcessEvents } from '../core/process-guards';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { denyAllPermissions, lockDownWebContents } from './hardening';
import { serveContractOverIpc } from './ipc.transport';
import { utilityLauncher } from './utility-launcher';
import { APP_ENTRY_URL, isLockedDown, kioskWindowOptions } from './window-options';

export type ElectronApi = Pick<
  typeof ElectronModule,
  | 'app'
  | 'BrowserWindow'
  | 'ipcMain'
  | 'protocol'
  | 'session'
  | 'powerSaveBlocker'
  | 'Menu'
  | 'dialog'
  | 'utilityProcess'
>;

export interface AppPaths {
  readonly preload: string;
  readonly rendererDir: string;
  readonly inferenceWorker: string;
}

const defaultPaths = (): AppPaths => ({
  preload: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
  rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
  inferenceWorker: fileURLToPath(new URL('./inference-worker.js', import.meta.url)),
});

/** A renderer that crashes more often than this within a minute is not reloaded again. */
const MAX_RELOADS_PER_MINUTE = 5;

/** The Electron main process: window, IPC transport and OS integration around the shared core. */
export async function runElectronApp(
  electron: ElectronApi,
  env = process.env,
  paths = defaultPaths(),
  proc: ProcessEvents = process,
): Promise<void> {
  const { app, protocol } = electron;
  registerAppScheme(protocol);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setPath('userData', resolveDataDir(env));
  let booted: Booted;
  try {
    // The inference worker runs as an Electron utilityProcess: a crash or hang there cannot take main down.
    const visionLauncher = utilityLauncher(electron.utilityProcess, paths.inferenceWorker);
    booted = bootstrap({ runtime: 'electron', electronVersion: process.versions.electron ?? null }, env, undefined, {
      visionLauncher,
      // before-quit stops the core (closing the store) first.
      restart: () => {
        app.relaunch();
        app.quit();
      },
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`RVM kiosk refused to start.\n${error.message}`);
    await app.whenReady();
    electron.dialog.showErrorBox('RVM kiosk: configuration error', error.message);
    app.exit(EXIT_CONFIG);
    return;
  }
  // Before anything else can throw: logged, then exit 70 for systemd (never Electron's error dialog).
  installProcessGuards(proc, booted.logger, { where: 'electron main', exit: (code) => app.exit(code) });
  const lockedDown = isLockedDown(booted.loaded.config.environment);
  // Filled once the app is ready; handlers registered before then read it late.
  const ui: { window?: BrowserWindowType } = {};

  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, lockedDown));
  app.on('second-instance', () => {
    if (ui.window && !ui.window.isDestroyed()) ui.window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let stopWatchdog = () => {};
  app.on('before-quit', () => {
    stopWatchdog();
    booted.core.stop();
  });

  await app.whenReady();
  denyAllPermissions(electron.session.defaultSession);
  handleAppProtocol(protocol, paths.rendererDir);
  if (lockedDown) electron.Menu.setApplicationMenu(null);
  serveContractOverIpc(
    electron.ipcMain,
    booted.core.router,
    booted.core.hub,
    () => ui.window,
    booted.logger.scope('ipc'),
  );
  booted.core.start();
  stopWatchdog = startWatchdog(booted, env);
  startRemoteMaintenance(booted, paths.rendererDir);
  electron.powerSaveBlocker.start('prevent-display-sleep');

  const window = new electron.BrowserWindow(kioskWindowOptions(booted.loaded.config.environment, paths.preload));
  ui.window = window;
  window.once('ready-to-show', () => window.show());
  reloadWhenRendererGone(window, booted);
  await window.loadURL(APP_ENTRY_URL);
}

/**
 * Remote maintenance from the operator's VPN, when configured (remote.host beyond loopback: TLS, token
 * and allow-list are then required by the config). A failure here leaves the kiosk serving customers.
 */
function startRemoteMaintenance(booted: Booted, rendererDir: string): void {
  const { remote } = booted.loaded.config;
  if (isLoopbackHost(remote.host)) return;
  const log = booted.logger.scope('remote');
  startRemoteServer({
    core: booted.core,
    remote,
    rendererDir,
    logger: booted.logger,
    metrics: booted.core.prometheus(),
  })
    .then((server) => {
      log.info(`remote maintenance on ${server.url} (allowed: ${remote.allowCidrs.join(', ')})`);
      booted.core.onStop(() => void server.close());
    })
    .catch((error: unknown) => log.error(`remote maintenance is off: ${(error as Error).message}`));
}

function reloadWhenRendererGone(window: BrowserWindowType, booted: Booted): void {
  const recent: number[] = [];
  window.webContents.on('render-process-gone', (_event, details) => {
    const now = Date.now();
    while (recent.length && now - recent[0]! > 60_000) recent.shift();
    recent.push(now);
    booted.logger.error(`renderer gone (${details.reason}, exit ${details.exitCode}); reload ${recent.length}`);
    const reload = () => {
      if (!window.isDestroyed()) window.webContents.reload();
    };
    if (recent.length > MAX_RELOADS_PER_MINUTE) {
      booted.logger.error('renderer keeps crashing; next reload in 30 s');
      setTimeout(reload, 30_000);
      return;
    }
    reload();
  });
}
