import { fileURLToPath } from 'node:url';
import type * as ElectronModule from 'electron';
import type { BrowserWindow as BrowserWindowType } from 'electron';
import { ConfigError, resolveDataDir } from '../config/config.loader';
import { isLoopbackHost } from '../config/config.schema';
import { startRemoteServer } from '../remote/remote.server';
import { bootstrap, EXIT_CONFIG, EXIT_RESTART, startWatchdog, type Booted } from '../core/bootstrap';
import { systemClock } from '../kernel/clock';
import { installProcessGuards, type ProcessEvents } from '../kernel/process-guards';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { denyAllPermissions, lockDownWebContents } from './hardening';
import { serveContractOverIpc } from './ipc.transport';
import type { FromBarcodeWorker, ToBarcodeWorker } from '../vision/worker-protocol';
import { utilityLauncher } from './utility-launcher';
import { APP_ENTRY_URL, isLockedDown, kioskWindowOptions } from './window-options';
import { WindowKeeper } from './window-keeper';

export type ElectronApi = Pick<
  typeof ElectronModule,
  'app' | 'BrowserWindow' | 'ipcMain' | 'protocol' | 'session' | 'powerSaveBlocker' | 'Menu' | 'utilityProcess'
>;

export interface AppPaths {
  readonly preload: string;
  readonly rendererDir: string;
  readonly inferenceWorker: string;
  readonly barcodeWorker: string;
}

const defaultPaths = (): AppPaths => ({
  preload: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
  rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
  inferenceWorker: fileURLToPath(new URL('./inference-worker.js', import.meta.url)),
  barcodeWorker: fileURLToPath(new URL('./barcode-worker.js', import.meta.url)),
});

/** The Electron main process: window, IPC transport and OS integration around the shared core. */
export async function runElectronApp(
  electron: ElectronApi,
  env = process.env,
  paths = defaultPaths(),
  proc: ProcessEvents = process,
): Promise<void> {
  const { app, protocol } = electron;
  registerAppScheme(protocol);
  // The lock lives in userData: set it first, or two instances with different folders both get one.
  app.setPath('userData', resolveDataDir(env));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // cage has no keyring: Chromium's cookie encryption would wait for one; the kiosk keeps no secrets in cookies.
  app.commandLine.appendSwitch('password-store', 'basic');
  // Feedback tones must play without a tap, also after a renderer reload.
  app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');
  let booted: Booted | undefined;
  let stopWatchdog = () => {};
  let stopKeeper = () => {};
  const shutdown = () => {
    stopKeeper();
    stopWatchdog();
    booted?.core.stop();
  };
  try {
    // The inference worker runs as an Electron utilityProcess: a crash or hang there cannot take main down.
    const visionLauncher = utilityLauncher(electron.utilityProcess, paths.inferenceWorker);
    const barcodeLauncher = utilityLauncher<ToBarcodeWorker, FromBarcodeWorker>(
      electron.utilityProcess,
      paths.barcodeWorker,
      'rvm-barcodes',
    );
    booted = bootstrap({ runtime: 'electron', electronVersion: process.versions.electron ?? null }, env, undefined, {
      visionLauncher,
      barcodeLauncher,
      // Exit 75 and let systemd start a fresh kiosk: app.relaunch() under cage races the unit
      // (cage exits with its client, and systemd would start a second copy beside the relaunched one).
      restart: () => {
        shutdown();
        app.exit(EXIT_RESTART);
      },
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // No valid configuration at all (an invalid config.json with a valid last-good copy starts on the
    // copy). Into the journal, never a dialog: on a kiosk nobody could dismiss it, and it would hold
    // the process so systemd could not act.
    console.error(`RVM kiosk refused to start.\n${error.message}`);
    app.exit(EXIT_CONFIG);
    return;
  }
  // Before anything else can throw: logged, then exit 70 for systemd (never Electron's error dialog).
  installProcessGuards(proc, booted.logger, { where: 'electron main', exit: (code) => app.exit(code) });
  if (booted.loaded.config.screen.disableGpu) {
    // For boards whose GPU driver crashes Chromium: software rendering (README: Installing a kiosk).
    app.disableHardwareAcceleration();
    booted.logger.warn('GPU acceleration is off (screen.disableGpu)');
  }
  const lockedDown = isLockedDown(booted.loaded.config.environment);
  // Filled once the app is ready; handlers registered before then read it late.
  const ui: { window?: BrowserWindowType } = {};

  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, lockedDown));
  app.on('second-instance', () => {
    if (ui.window && !ui.window.isDestroyed()) ui.window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('child-process-gone', (_event, details) => {
    const gpu = details.type === 'GPU';
    booted.logger.error(
      `${details.type} process gone (${details.reason}, exit ${details.exitCode})${gpu ? '; if this repeats, set screen.disableGpu: true' : ''}`,
    );
  });
  app.on('before-quit', () => shutdown());

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
  const window = new electron.BrowserWindow(kioskWindowOptions(booted.loaded.config.environment, paths.preload));
  ui.window = window;
  const keeper = new WindowKeeper(window, APP_ENTRY_URL, systemClock, booted.logger);
  booted.core.health.register('screen', () => {
    const problem = keeper.problem();
    return problem ? { status: 'degraded', detail: problem } : { status: 'ok', detail: 'the app is on screen' };
  });
  // A screen that stays blank or hung for minutes is a watchdog matter: systemd restarts the kiosk.
  stopWatchdog = startWatchdog(booted, env, () => keeper.deadProblem());
  stopKeeper = () => keeper.stop();
  startRemoteMaintenance(booted, paths.rendererDir);
  electron.powerSaveBlocker.start('prevent-display-sleep');
  keeper.start();
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
    till: booted.core.till(),
  })
    .then((server) => {
      log.info(`remote maintenance on ${server.url} (allowed: ${remote.allowCidrs.join(', ')})`);
      booted.core.onStop(() => void server.close());
    })
    .catch((error: unknown) => log.error(`remote maintenance is off: ${(error as Error).message}`));
}
