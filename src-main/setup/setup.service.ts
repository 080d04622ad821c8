import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PlatformSetup, SetupRequest } from '../../src-preload/contract';
import { ConfigError, saveConfig, type LoadedConfig } from '../config/config.loader';
import { ConfigSchema, type Config } from '../config/config.schema';
import type { Clock } from '../kernel/clock';
import type { Handlers } from '../kernel/contract-types';
import { AppFailure, pathOf } from '../kernel/router';
import { writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../log/logger';
import { RefusalLog } from '../kernel/refusal-log';
import { TokenBucket } from '../kernel/token-bucket';
import { hashPin } from '../maintenance/pin-hash';
import { createProfile, credentialsPath } from '../platform/create-profile';
import { V1CredentialsSchema } from '../platform/credentials';
import { loadManifest } from '../vision/model-manifest';
import { cameraPath, checkCamera, mergedCamera, objectOr, shownCamera, videoDevices } from './setup-camera';

const CREDENTIALS_PATH = ['platform', 'credentialsJson'];
const PLATFORM_V2_KEYS = ['rvmId', 'email', 'password', 'apiKey'];

/**
 * Where in the setup request a value of config.json came from, for the screen to mark that field
 * (undefined: no field of the form holds it).
 */
export function requestPathOf(configPath: ReadonlyArray<string | number>): Array<string | number> | undefined {
  const [section, key, ...rest] = configPath;
  if (section === 'platform' && key === 'baseUrl') return ['platform', 'baseUrl'];
  if (section === 'platform' && key === 'v2') {
    const [field] = rest;
    if (field === 'timezone') return ['timezone'];
    if (typeof field === 'string' && PLATFORM_V2_KEYS.includes(field)) return ['platform', field];
  }
  if (section === 'vision' && key === 'camera') return ['camera', ...rest];
  if (section === 'vision' && key === 'manifest') return ['manifest'];
  if (section === 'maintenance' && key === 'technicians') return ['technician', ...rest.slice(1)];
  return undefined;
}

/** Written when setup completes: the machine is set up even if it runs without a platform. */
export const PROVISIONED_FILE = 'provisioned.json';
/**
 * Guessing the 8-digit code (10^8 values) is throttled, and wrong guesses never replace the code (an
 * attacker could otherwise keep rotating the installer's code away). Over WebSocket: 10 guesses, then
 * one each 10 s for all screens together, and one a second per screen; the kiosk's own touchscreen
 * (IPC) only per screen. A code lives 24 h, so at most ~8,650 guesses reach one code: a 1 in 11,500
 * chance. Then a new code is printed (screens already unlocked stay unlocked).
 */
export const SETUP_CODE_THROTTLE = {
  globalPerSecond: 0.1,
  globalBurst: 10,
  perScreenPerSecond: 1,
  perScreenBurst: 3,
  lifetimeMs: 24 * 3_600_000,
} as const;

export interface SetupDeps {
  readonly dataDir: string;
  readonly loaded: LoadedConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly appVersion: string;
  /** Restarts the kiosk on the new configuration (undefined: this runtime cannot). */
  readonly restart: ((why: string) => void) | undefined;
  /** Where cameras are looked for (tests point it elsewhere). */
  readonly devDir?: string;
}

/**
 * First-boot provisioning. A machine that has no platform credentials, no technician and no
 * provisioned.json shows the setup screen instead of the customer flow; it opens with a one-time
 * code printed in the log and on the console, so only someone at the machine (or with its journal)
 * can set it up. The result is an ordinary config.json (+ rvm-credentials.json for v1).
 */
export function setupRequired(loaded: LoadedConfig, dataDir: string): boolean {
  const { config } = loaded;
  if (!config.setup.enabled || existsSync(join(dataDir, PROVISIONED_FILE))) return false;
  return config.platform.profile === 'none' && config.maintenance.technicians.length === 0;
}

/**
 * A connection test's request is the platform alone: a refusal names its place there, as the contract's
 * own check of that request does (['credentialsJson'], not ['platform', 'credentialsJson']), and names
 * none when it is about something outside it (config.json as it stands).
 */
async function inPlatform<T>(test: () => Promise<T>): Promise<T> {
  try {
    return await test();
  } catch (error) {
    if (!(error instanceof AppFailure) || !error.detail.path) throw error;
    const { path, ...detail } = error.detail;
    throw new AppFailure(
      error.code,
      error.message,
      path[0] === 'platform' ? { ...detail, path: path.slice(1) } : detail,
    );
  }
}

export class SetupService {
  readonly required: boolean;
  #code: string | undefined;
  readonly #unlocked = new Set<string>();
  readonly #log: Logger;
  readonly #refusals: RefusalLog;
  readonly #guesses: TokenBucket;
  readonly #perScreen = new Map<string, TokenBucket>();
  #cancelRotation: (() => void) | undefined;

  constructor(private readonly d: SetupDeps) {
    this.#log = d.logger.scope('setup');
    this.#refusals = new RefusalLog(this.#log, d.clock);
    this.#guesses = new TokenBucket(d.clock, SETUP_CODE_THROTTLE.globalPerSecond, SETUP_CODE_THROTTLE.globalBurst);
    this.required = setupRequired(d.loaded, d.dataDir);
  }

  /** Makes and prints the one-time code (called at start when setup is required). */
  start(): void {
    if (!this.required) return;
    this.#newCode();
  }

  clientGone(client: string): void {
    this.#unlocked.delete(client);
    this.#perScreen.delete(client);
  }

  stop(): void {
    this.#cancelRotation?.();
    this.#refusals.stop();
  }

  handlers(): Handlers['setup'] {
    return {
      status: (_req, ctx) => ({ required: this.required, unlocked: this.#unlocked.has(ctx.client) }),
      unlock: ({ code }, ctx) => {
        this.#mustBeRequired();
        if (!this.#code) throw new AppFailure('UNAVAILABLE', 'setup has not started');
        this.#throttle(ctx.client, ctx.transport);
        if (code.replace(/\D/g, '') !== this.#code) {
          this.#refusals.note('wrong setup code', `from screen ${ctx.client}`);
          throw new AppFailure(
            'FORBIDDEN',
            'wrong code: it is the 8 digits after "setup code" in the log (journalctl -u rvm-kiosk, or the console of npm run serve)',
          );
        }
        this.#unlocked.add(ctx.client);
        this.#log.info(`setup unlocked on screen ${ctx.client}`);
        return { unlocked: true as const };
      },
      options: (_req, ctx) => {
        this.#guard(ctx.client);
        return {
          cameras: videoDevices(this.d.devDir ?? '/dev'),
          camera: shownCamera(this.#fileConfig()),
          models: this.#models(),
          timezones: Intl.supportedValuesOf('timeZone'),
        };
      },
      testConnection: async (platform, ctx) => {
        this.#guard(ctx.client);
        return { detail: await inPlatform(() => this.#test(platform)) };
      },
      complete: async (request, ctx) => this.#complete(request, ctx.client),
    };
  }

  #newCode(): void {
    this.#code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const shown = `${this.#code.slice(0, 4)} ${this.#code.slice(4)}`;
    // The only place the code appears: this machine's log and console (never the screen).
    this.#log.warn(`this machine is not set up yet: setup code ${shown} (enter it on the kiosk screen)`);
    this.#cancelRotation?.();
    this.#cancelRotation = this.d.clock.after(SETUP_CODE_THROTTLE.lifetimeMs, () => this.#newCode());
  }

  /** Refuses a guess over the rate, unchecked (RATE_LIMITED says when to try again). */
  #throttle(client: string, transport: 'ipc' | 'ws'): void {
    let screen = this.#perScreen.get(client);
    if (!screen) {
      screen = new TokenBucket(
        this.d.clock,
        SETUP_CODE_THROTTLE.perScreenPerSecond,
        SETUP_CODE_THROTTLE.perScreenBurst,
      );
      this.#perScreen.set(client, screen);
    }
    const limited = !screen.take() ? screen : transport === 'ws' && !this.#guesses.take() ? this.#guesses : undefined;
    if (!limited) return;
    this.#refusals.note('setup code guesses over the rate limit', `from screen ${client}`);
    const seconds = Math.max(1, Math.ceil(limited.retryAfterMs() / 1000));
    throw new AppFailure('RATE_LIMITED', `too many setup codes tried; wait ${seconds} s and enter the code again`);
  }

  #mustBeRequired(): void {
    if (!this.required) {
      throw new AppFailure(
        'INVALID_STATE',
        'this machine is already set up; change settings in maintenance or config.json',
      );
    }
  }

  #guard(client: string): void {
    this.#mustBeRequired();
    if (!this.#unlocked.has(client)) {
      throw new AppFailure('UNAUTHENTICATED', 'enter the setup code from the log first');
    }
  }

  /** Model manifests under <data>/models (two levels), each checked. */
  #models(): Array<{ manifest: string; label: string }> {
    const root = join(this.d.dataDir, 'models');
    const found: string[] = [];
    const walk = (dir: string, depth: number) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && depth > 0 && entry.name !== 'updates') walk(path, depth - 1);
        else if (entry.isFile() && entry.name.endsWith('.json') && entry.name !== 'active.json') found.push(path);
      }
    };
    walk(root, 2);
    return found.flatMap((manifest) => {
      try {
        const m = loadManifest(manifest);
        const label = `${relative(root, manifest)} (${relative(root, m.modelPath)}${m.version ? `, version ${m.version}` : ''})`;
        return existsSync(m.modelPath) ? [{ manifest, label }] : [];
      } catch {
        return [];
      }
    });
  }

  /** A config (unsaved) with the platform entered, for a connection test or to save. */
  #platformConfig(base: Record<string, unknown>, platform: PlatformSetup): Record<string, unknown> {
    const current = (base.platform ?? {}) as Record<string, unknown>;
    const v2 = (current.v2 ?? {}) as Record<string, unknown>;
    if (platform.profile === 'v1') return { ...current, profile: 'v1', baseUrl: platform.baseUrl };
    return {
      ...current,
      profile: 'v2',
      baseUrl: platform.baseUrl,
      v2: {
        ...v2,
        rvmId: platform.rvmId,
        email: platform.email,
        password: platform.password,
        ...(platform.apiKey ? { apiKey: platform.apiKey } : {}),
      },
    };
  }

  #v1Credentials(platform: PlatformSetup) {
    if (platform.profile !== 'v1') return undefined;
    let json: unknown;
    try {
      json = JSON.parse(platform.credentialsJson);
    } catch (error) {
      throw new AppFailure(
        'BAD_REQUEST',
        `rvm-credentials.json is not JSON (${(error as Error).message}); download it again from the platform`,
        { path: CREDENTIALS_PATH },
      );
    }
    const parsed = V1CredentialsSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppFailure(
        'BAD_REQUEST',
        `rvm-credentials.json: ${issue.path.join('.') || '(file)'} ${issue.message}; download it again from the platform`,
        { path: CREDENTIALS_PATH },
      );
    }
    return parsed.data;
  }

  #validate(candidate: Record<string, unknown>): Config {
    const parsed = ConfigSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = requestPathOf(pathOf(issue.path));
      throw new AppFailure('BAD_REQUEST', `${issue.path.join('.')}: ${issue.message}`, path ? { path } : {});
    }
    return parsed.data;
  }

  async #test(platform: PlatformSetup): Promise<string> {
    const credentials = this.#v1Credentials(platform);
    const config = this.#validate({
      ...this.#fileConfig(),
      platform: this.#platformConfig(this.#fileConfig(), platform),
    });
    try {
      const profile = createProfile({
        config,
        dataDir: this.d.dataDir,
        appVersion: this.d.appVersion,
        now: () => this.d.clock.now(),
        ...(credentials ? { credentials } : {}),
      });
      await profile.connect();
      return platform.profile === 'v1'
        ? `handshake accepted by ${new URL(platform.baseUrl).host} for ${credentials!.serial_number}`
        : `logged in to ${new URL(platform.baseUrl).host} as ${platform.email} (RVM ${platform.rvmId})`;
    } catch (error) {
      throw new AppFailure('UNAVAILABLE', `the platform did not accept the connection: ${(error as Error).message}`);
    }
  }

  async #complete(request: SetupRequest, client: string): Promise<{ restarting: boolean }> {
    this.#guard(client);
    const credentials = this.#v1Credentials(request.platform);
    if (!Intl.supportedValuesOf('timeZone').includes(request.timezone)) {
      throw new AppFailure('BAD_REQUEST', `${request.timezone} is not an IANA time zone such as Asia/Jakarta`, {
        path: ['timezone'],
      });
    }
    if (!this.#models().some((m) => m.manifest === request.manifest)) {
      throw new AppFailure(
        'BAD_REQUEST',
        `${request.manifest} is not one of the model manifests found in the data folder`,
        { path: ['manifest'] },
      );
    }
    const base = this.#fileConfig();
    const platform = this.#platformConfig(base, request.platform);
    const vision = objectOr(base.vision) ?? {};
    const maintenance = objectOr(base.maintenance) ?? {};
    const candidate = {
      ...base,
      platform: {
        ...platform,
        v2: { ...((platform.v2 ?? {}) as Record<string, unknown>), timezone: request.timezone },
      },
      vision: { ...vision, manifest: request.manifest, camera: mergedCamera(objectOr(vision.camera), request.camera) },
      maintenance: {
        ...maintenance,
        technicians: [{ name: request.technician.name, pinHash: await hashPin(request.technician.pin) }],
      },
    };
    const config = this.#validate(candidate);
    checkCamera(config.vision.camera);
    // The connection must work before anything is saved.
    await this.#test(request.platform);
    if (credentials) {
      const path = credentialsPath(config, this.d.dataDir);
      writeFileAtomic(path, `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
      chmodSync(path, 0o600);
    }
    try {
      saveConfig(this.d.loaded.path, candidate);
    } catch (error) {
      throw new AppFailure('BAD_REQUEST', error instanceof ConfigError ? error.message : (error as Error).message);
    }
    // It may hold the v2 password: only the kiosk user reads it.
    chmodSync(this.d.loaded.path, 0o600);
    writeFileAtomic(
      join(this.d.dataDir, PROVISIONED_FILE),
      `${JSON.stringify({ at: new Date(this.d.clock.now()).toISOString(), by: request.technician.name, profile: request.platform.profile }, null, 2)}\n`,
    );
    this.#log.warn(
      `machine set up by ${request.technician.name}: ${request.platform.profile} platform, camera ${config.vision.camera.kind} ${cameraPath(config.vision)}, timezone ${request.timezone}`,
    );
    this.#unlocked.clear();
    if (!this.d.restart) return { restarting: false };
    // After the answer has gone out.
    this.d.clock.after(500, () => this.d.restart?.('setup is complete'));
    return { restarting: true };
  }

  /** config.json as written (not the env overrides or defaults): setup adds to it. */
  #fileConfig(): Record<string, unknown> {
    if (!existsSync(this.d.loaded.path)) return {};
    try {
      return JSON.parse(readFileSync(this.d.loaded.path, 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
}
