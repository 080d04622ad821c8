import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '../fs/atomic-file';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../log/logger';
import type { ModelTarget } from '../platform/profile';
import { embeddedManifest } from './model-package';
import { activeModel, type ActiveModel } from './vision.module';

/** A model bigger than this is not a YOLO detector for a kiosk: the download stops. */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

export interface ModelUpdaterDeps {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The running model's version and manifest. */
  readonly current: () => { version: string | null; manifestPath: string };
  /** Loads a manifest in a fresh worker and swaps it in; throws (old model running) when it does not load. */
  readonly swap: (manifestPath: string) => Promise<void>;
  /** No customer session and no maintenance: a swap restarts the camera. */
  readonly idle: () => boolean;
  readonly timeoutMs?: number;
  readonly idlePollMs?: number;
}

export type ModelUpdateState =
  | { readonly state: 'none' }
  | { readonly state: 'downloading' | 'waiting' | 'loading'; readonly version: string }
  | { readonly state: 'installed'; readonly version: string; readonly at: number }
  | { readonly state: 'refused'; readonly version: string; readonly reason: string; readonly at: number };

/**
 * Model updates from the platform (v1 handshake ai_model): download, check SHA-256, load in a fresh
 * worker, and swap only when it loads, while no session is open. Each version lives in
 * <data>/models/updates/<version>/; <data>/models/active.json names the current and previous manifest
 * so a technician can roll back. A refused target is not fetched again until the platform names another.
 */
export class ModelUpdater {
  #status: ModelUpdateState = { state: 'none' };
  #busy = false;
  readonly #refused = new Set<string>();
  readonly #log: Logger;

  constructor(private readonly d: ModelUpdaterDeps) {
    this.#log = d.logger.scope('model-update');
  }

  get status(): ModelUpdateState {
    return this.#status;
  }

  /** The platform named a target; returns when it is installed or refused (or nothing was to do). */
  async offer(target: ModelTarget): Promise<ModelUpdateState> {
    const key = `${target.version} ${target.sha256.toLowerCase()}`;
    if (this.#busy || this.#refused.has(key) || this.d.current().version === target.version) return this.#status;
    if (activeModel(this.d.dataDir)?.rolledBack?.includes(target.version)) {
      this.#log.info(`model ${target.version} was rolled back by a technician: not installed again`);
      return this.#status;
    }
    const expected = parseSha256(target.sha256);
    if (!expected) return this.#refuse(target.version, key, `the platform's hash "${target.sha256}" is not a SHA-256`);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(target.version)) {
      return this.#refuse(target.version, key, 'the version is not a plain name (letters, digits, . _ -)');
    }
    this.#busy = true;
    try {
      const dir = join(this.d.dataDir, 'models', 'updates', target.version);
      this.#status = { state: 'downloading', version: target.version };
      this.#log.info(`downloading model ${target.version} from ${new URL(target.url).host}`);
      const modelFile = join(dir, 'model.onnx');
      try {
        const actual = await this.#download(target.url, dir, modelFile);
        if (actual !== expected) {
          rmSync(modelFile, { force: true });
          throw new Error(`SHA-256 mismatch: the platform says ${expected}, the download is ${actual}`);
        }
      } catch (error) {
        return this.#refuse(target.version, key, (error as Error).message);
      }
      const manifestPath = join(dir, 'manifest.json');
      const current = this.d.current();
      let carried: Record<string, unknown> | undefined;
      try {
        // Read without holding the event loop (a model may be hundreds of MB).
        carried = embeddedManifest(await readFile(modelFile), `model ${target.version}`);
      } catch (error) {
        return this.#refuse(target.version, key, (error as Error).message);
      }
      try {
        // A packed model (npm run model -- pack) brings its own classes and rules; a bare one keeps the
        // running manifest's (the model's classes are checked against them when it loads).
        const base = carried ?? (JSON.parse(readFileSync(current.manifestPath, 'utf8')) as Record<string, unknown>);
        writeFileAtomic(
          manifestPath,
          // The running manifest's sha256 is the old model's: the platform's hash was checked above.
          `${JSON.stringify({ ...base, model: 'model.onnx', version: target.version, sha256: undefined }, null, 2)}\n`,
        );
      } catch (error) {
        return this.#refuse(target.version, key, `cannot write its manifest: ${(error as Error).message}`);
      }
      this.#status = { state: 'waiting', version: target.version };
      await this.#whenIdle();
      this.#status = { state: 'loading', version: target.version };
      try {
        await this.d.swap(manifestPath);
      } catch (error) {
        return this.#refuse(target.version, key, (error as Error).message);
      }
      this.#activate({
        manifest: manifestPath,
        previous: current.manifestPath,
        rolledBack: activeModel(this.d.dataDir)?.rolledBack ?? [],
      });
      this.#log.warn(`model ${target.version} installed (previous kept for rollback: ${current.manifestPath})`);
      this.#status = { state: 'installed', version: target.version, at: this.d.clock.now() };
      return this.#status;
    } finally {
      this.#busy = false;
    }
  }

  /** Maintenance: back to the model before the last update (loaded the same careful way). */
  async rollback(): Promise<string> {
    const active = activeModel(this.d.dataDir);
    if (!active?.previous) throw new Error('no previous model is kept (no update has been installed)');
    if (this.#busy) throw new Error('a model update is in progress; try again when it has finished');
    this.#busy = true;
    try {
      const from = this.d.current().version;
      await this.d.swap(active.previous);
      const rolledBack = [...(active.rolledBack ?? []), ...(from ? [from] : [])];
      this.#activate({ manifest: active.previous, previous: active.manifest, rolledBack });
      this.#log.warn(`model rolled back to ${active.previous}`);
      return active.previous;
    } finally {
      this.#busy = false;
    }
  }

  #activate(active: ActiveModel): void {
    writeFileAtomic(join(this.d.dataDir, 'models', 'active.json'), `${JSON.stringify(active, null, 2)}\n`);
  }

  #refuse(version: string, key: string, reason: string): ModelUpdateState {
    this.#refused.add(key);
    this.#log.error(`model ${version} refused, the running model stays: ${reason}`);
    this.#status = { state: 'refused', version, reason, at: this.d.clock.now() };
    return this.#status;
  }

  /** Streams the file to disk while hashing it; returns the SHA-256 (hex). */
  async #download(url: string, dir: string, target: string): Promise<string> {
    mkdirSync(dir, { recursive: true });
    const res = await fetch(url, { signal: AbortSignal.timeout(this.d.timeoutMs ?? 10 * 60_000) });
    if (!res.ok || !res.body) throw new Error(`download failed: HTTP ${res.status} from ${new URL(url).host}`);
    const declared = Number(res.headers.get('content-length'));
    if (declared > MAX_MODEL_BYTES) throw new Error(`the file is ${declared} bytes, over the ${MAX_MODEL_BYTES} limit`);
    const hash = createHash('sha256');
    let size = 0;
    const part = `${target}.part`;
    const source = Readable.fromWeb(res.body as never);
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_MODEL_BYTES) source.destroy(new Error(`the file is over the ${MAX_MODEL_BYTES}-byte limit`));
      hash.update(chunk);
    });
    try {
      await pipeline(source, createWriteStream(part));
    } catch (error) {
      rmSync(part, { force: true });
      throw new Error(`download failed: ${(error as Error).message}`, { cause: error });
    }
    renameSync(part, target);
    return hash.digest('hex');
  }

  #whenIdle(): Promise<void> {
    if (this.d.idle()) return Promise.resolve();
    this.#log.info('model ready; waiting for the kiosk to be idle to swap it in');
    return new Promise((resolve) => {
      const stop = this.d.clock.every(this.d.idlePollMs ?? 5000, () => {
        if (!this.d.idle()) return;
        stop();
        resolve();
      });
    });
  }
}

/** "sha256:ABC…" or "abc…" → lower-case hex, or null. */
export function parseSha256(value: string): string | null {
  const hex = value
    .trim()
    .replace(/^sha-?256:/i, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
