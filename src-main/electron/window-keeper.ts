import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';

/** The part of a BrowserWindow the keeper drives (the recording fake in tests implements it). */
export interface KeptWindow {
  show(): void;
  isVisible(): boolean;
  isDestroyed(): boolean;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  readonly webContents: {
    reload(): void;
    forcefullyCrashRenderer(): void;
    on(event: 'did-finish-load', listener: () => void): unknown;
    on(
      event: 'did-fail-load',
      listener: (event: unknown, code: number, description: string, url: string, isMainFrame: boolean) => void,
    ): unknown;
    on(
      event: 'render-process-gone',
      listener: (event: unknown, details: { reason: string; exitCode: number }) => void,
    ): unknown;
  };
}

export const WINDOW_KEEPER_DEFAULTS = {
  /** Shown at the latest this long after creation, even if neither ready-to-show nor did-finish-load came. */
  showFallbackMs: 3_000,
  /** An unresponsive renderer is reloaded after this long; if it stays hung, crashed and reloaded. */
  unresponsiveReloadMs: 10_000,
  unresponsiveCrashMs: 20_000,
  /** Reloads (any cause) in a minute before the keeper backs off to one each backoffMs. */
  maxReloadsPerMinute: 5,
  backoffMs: 30_000,
  /** A failed load is retried with this back-off (doubling up to the max). */
  loadRetryMs: 1_000,
  loadRetryMaxMs: 30_000,
  /** Past this, a screen that is not showing the app is a watchdog matter (systemd restarts the kiosk). */
  deadAfterMs: 120_000,
} as const;

export type WindowKeeperOptions = typeof WINDOW_KEEPER_DEFAULTS;

/**
 * Keeps the kiosk's one window on screen: shows it on the first sign that it can be seen (Electron's
 * ready-to-show is not emitted reliably under Wayland, electron/electron#48859), and recovers the
 * renderer in place when it cannot load, hangs or crashes — never exiting for a renderer problem.
 * problem() says what is wrong for the health view and, once it lasts, for the systemd watchdog.
 */
export class WindowKeeper {
  readonly #o: WindowKeeperOptions;
  readonly #log: Logger;
  #reloads: number[] = [];
  #loadDelay: number;
  /** Since when, and why, the screen is not showing a working app (undefined: it is). */
  #down: { since: number; why: string } | undefined;
  #cancelUnresponsive: Array<() => void> = [];
  #cancelRetry: (() => void) | undefined;
  #backingOff = false;
  #cancelShow: (() => void) | undefined;
  #cancelBackoff: (() => void) | undefined;
  /** The last load of the app failed (its did-finish-load is Electron's error page). */
  #loadFailed = false;

  constructor(
    private readonly window: KeptWindow,
    private readonly url: string,
    private readonly clock: Clock,
    logger: Logger,
    options: Partial<WindowKeeperOptions> = {},
  ) {
    this.#o = { ...WINDOW_KEEPER_DEFAULTS, ...options };
    this.#log = logger.scope('window');
    this.#loadDelay = this.#o.loadRetryMs;
    this.#down = { since: clock.now(), why: 'starting' };
  }

  /** Wires the window's events and loads the app. */
  start(): void {
    const { window } = this;
    const show = (why: string) => {
      if (window.isDestroyed() || window.isVisible()) return;
      this.#log.info(`window shown (${why})`);
      window.show();
    };
    window.once('ready-to-show', () => show('ready-to-show'));
    window.webContents.on('did-finish-load', () => {
      show('did-finish-load');
      // Electron also finishes loading its error page after a failed load: that is not the app.
      if (this.#loadFailed) return;
      // A reload that brought the app back: no crash is due for the hang before it.
      for (const cancel of this.#cancelUnresponsive.splice(0)) cancel();
      this.#loadDelay = this.#o.loadRetryMs;
      this.#down = undefined;
    });
    this.#cancelShow = this.clock.after(this.#o.showFallbackMs, () =>
      show(`not ready after ${this.#o.showFallbackMs} ms`),
    );
    window.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
      // -3 (ABORTED) is a navigation replaced by another, not a failure.
      if (!isMainFrame || code === -3) return;
      this.#loadFailed = true;
      this.#failed(`could not load ${url} (${code} ${description})`);
    });
    window.webContents.on('render-process-gone', (_event, details) => {
      this.#setDown(`renderer gone (${details.reason}, exit ${details.exitCode})`);
      this.#log.error(`renderer gone (${details.reason}, exit ${details.exitCode})`);
      this.#reload('renderer gone');
    });
    window.on('unresponsive', () => this.#unresponsive());
    window.on('responsive', () => {
      for (const cancel of this.#cancelUnresponsive.splice(0)) cancel();
      if (this.#down?.why.startsWith('renderer unresponsive')) this.#down = undefined;
      this.#log.info('renderer responsive again');
    });
    this.#load();
  }

  /** null while the app is on screen; else what is wrong and since when. */
  problem(): string | null {
    if (!this.#down) return null;
    const seconds = Math.round((this.clock.now() - this.#down.since) / 1000);
    return `screen: ${this.#down.why} for ${seconds} s`;
  }

  /** The problem once it has lasted long enough that restarting the whole kiosk is the cure. */
  deadProblem(): string | null {
    if (!this.#down || this.clock.now() - this.#down.since < this.#o.deadAfterMs) return null;
    return this.problem();
  }

  stop(): void {
    for (const cancel of this.#cancelUnresponsive.splice(0)) cancel();
    this.#cancelRetry?.();
    this.#cancelShow?.();
    this.#cancelBackoff?.();
  }

  #load(): void {
    if (this.window.isDestroyed()) return;
    this.#loadFailed = false;
    this.window.loadURL(this.url).catch((error: Error & { code?: string }) => {
      // A load replaced by another navigation (a reload) is not a failure.
      if (error.code === 'ERR_ABORTED' || /ERR_ABORTED/.test(error.message)) return;
      this.#loadFailed = true;
      this.#failed(`could not load ${this.url} (${error.message})`);
    });
  }

  /** A failed load: retried with back-off, never an exit (a restart loads the same files). */
  #failed(why: string): void {
    this.#setDown(why);
    if (this.#cancelRetry) return;
    const delay = this.#loadDelay;
    this.#loadDelay = Math.min(this.#o.loadRetryMaxMs, this.#loadDelay * 2);
    this.#log.error(`${why}; trying again in ${Math.round(delay / 1000)} s`);
    this.#cancelRetry = this.clock.after(delay, () => {
      this.#cancelRetry = undefined;
      this.#load();
    });
  }

  #unresponsive(): void {
    if (this.#cancelUnresponsive.length) return;
    this.#setDown('renderer unresponsive');
    this.#log.warn('renderer unresponsive');
    this.#cancelUnresponsive.push(
      this.clock.after(this.#o.unresponsiveReloadMs, () => this.#reload('unresponsive')),
      this.clock.after(this.#o.unresponsiveCrashMs, () => {
        this.#cancelUnresponsive = [];
        if (this.window.isDestroyed()) return;
        // A renderer hung in a loop ignores reload; crashing it makes render-process-gone reload it.
        this.#log.error('renderer still unresponsive: crashing it to reload');
        this.window.webContents.forcefullyCrashRenderer();
      }),
    );
  }

  /** Reloads, at most maxReloadsPerMinute a minute; beyond that once each backoffMs. */
  #reload(why: string): void {
    if (this.window.isDestroyed() || this.#backingOff) return;
    const now = this.clock.now();
    this.#reloads = this.#reloads.filter((at) => now - at < 60_000);
    if (this.#reloads.length >= this.#o.maxReloadsPerMinute) {
      this.#backingOff = true;
      this.#log.error(`renderer keeps failing (${why}); next reload in ${Math.round(this.#o.backoffMs / 1000)} s`);
      this.#cancelBackoff = this.clock.after(this.#o.backoffMs, () => {
        this.#backingOff = false;
        this.#reloads = [];
        this.#reload(why);
      });
      return;
    }
    this.#reloads.push(now);
    this.#log.warn(`reloading the renderer (${why})`);
    this.window.webContents.reload();
  }

  #setDown(why: string): void {
    if (!this.#down) this.#down = { since: this.clock.now(), why };
    else this.#down = { since: this.#down.since, why };
  }
}
