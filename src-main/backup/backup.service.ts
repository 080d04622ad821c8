import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import type { BackupInfo } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import { CONFIG_FILE, saveConfig } from '../config/config.loader';
import type { Clock } from '../kernel/clock';
import { writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../log/logger';
import {
  BackupError,
  backupKey,
  openArchive,
  readManifest,
  sealArchive,
  sha256,
  type BackupKind,
  type Manifest,
} from './archive';

import { loadMachineSecret } from '../store/machine-secret';
import { DB_FILE, STAGED_RESTORE } from '../store/restore';
const EXT = '.rvmbak';
const COUNTED_TABLES = ['sessions', 'items', 'vouchers', 'outbox', 'audit_log'] as const;
const DAY_MS = 24 * 3600_000;

export interface BackupDeps {
  readonly dataDir: string;
  readonly config: Config['backup'];
  readonly machineSecret: Buffer;
  readonly appVersion: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface VerifyRecord {
  ok: boolean;
  at: number;
  detail: string;
}

/**
 * Encrypted, verified backups of the database (SQLite online backup API: consistent while the kiosk
 * runs), the configuration and the logs, in one folder with retention by age and a size cap. Each
 * backup is test-restored right after it is made; a restore is staged and applied at the next start.
 */
export class BackupService {
  readonly folder: string;
  readonly #d: BackupDeps;
  readonly #log: Logger;
  readonly #key: Buffer;
  #timers: Array<() => void> = [];
  #running: Promise<unknown> = Promise.resolve();

  constructor(deps: BackupDeps) {
    this.#d = deps;
    this.#log = deps.logger.scope('backup');
    this.folder = deps.config.folder || join(deps.dataDir, 'backups');
    this.#key = backupKey(deps.machineSecret);
  }

  /** Scheduled backups (database hourly, config half-hourly when changed, logs daily by default). */
  start(): void {
    const { config, clock } = this.#d;
    for (const kind of ['database', 'config', 'logs'] as const) {
      const everyMs = config[kind].everyMinutes * 60_000;
      this.#timers.push(
        clock.every(everyMs, () => {
          void this.runExclusive(() => this.create(kind, 'schedule', { skipUnchanged: kind !== 'database' })).catch(
            (error: Error) => this.#log.error(`scheduled ${kind} backup failed: ${error.message}`),
          );
        }),
      );
    }
  }

  stop(): void {
    for (const cancel of this.#timers.splice(0)) cancel();
  }

  /** Makes, writes (atomically), verifies and prunes one backup. Undefined when skipped (unchanged). */
  async create(
    kind: BackupKind,
    reason: string,
    opts: { skipUnchanged?: boolean } = {},
  ): Promise<BackupInfo | undefined> {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    const now = this.#d.clock.now();
    const id = `${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z')}-${kind}-${ulid(now).slice(-6)}`;
    const { members, schemaVersion, counts } = await this.#collect(kind, id);
    if (opts.skipUnchanged) {
      const latest = this.list().find((b) => b.kind === kind);
      const fingerprint = members.map((m) => `${m.name}:${sha256(m.data)}`).join(',');
      if (latest && latest.fingerprint === fingerprint) return undefined;
    }
    const { bytes } = sealArchive(
      {
        id,
        kind,
        createdAt: now,
        appVersion: this.#d.appVersion,
        schemaVersion,
        reason,
        ...(counts ? { counts } : {}),
      },
      members,
      this.#key,
    );
    writeFileAtomic(this.#path(id), bytes, 0o600);
    this.#log.info(`${kind} backup ${id} written (${(bytes.length / 2 ** 20).toFixed(1)} MB, ${reason})`);
    this.verify(id);
    this.prune();
    return this.info(id);
  }

  /** Test-restores a backup into a temporary folder: decrypt, checksums, integrity_check, row counts. */
  verify(id: string): BackupInfo {
    const path = this.#path(id);
    if (!existsSync(path)) throw new BackupError(`no backup ${id} in ${this.folder}`);
    let record: VerifyRecord;
    try {
      const { manifest, members } = openArchive(readFileSync(path), this.#key, `backup ${id}`);
      const detail =
        manifest.kind === 'database' ? this.#checkDatabase(id, manifest, members.get(DB_FILE)) : 'checksums ok';
      record = { ok: true, at: this.#d.clock.now(), detail };
    } catch (error) {
      record = { ok: false, at: this.#d.clock.now(), detail: (error as Error).message };
      this.#log.error(`backup ${id} failed verification: ${record.detail}`);
    }
    writeFileAtomic(join(this.folder, `${id}.verify.json`), JSON.stringify(record), 0o600);
    return this.info(id);
  }

  /** Newest first. Reads only each file's manifest. */
  list(): Array<BackupInfo & { fingerprint: string }> {
    if (!existsSync(this.folder)) return [];
    return readdirSync(this.folder)
      .filter((name) => name.endsWith(EXT))
      .flatMap((name) => {
        try {
          return [this.info(name.slice(0, -EXT.length))];
        } catch (error) {
          this.#log.warn(`${name} is not listed: ${(error as Error).message}`);
          return [];
        }
      })
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }

  info(id: string): BackupInfo & { fingerprint: string } {
    const path = this.#path(id);
    const manifest = readHeader(path);
    let verified: VerifyRecord | null = null;
    try {
      verified = JSON.parse(readFileSync(join(this.folder, `${id}.verify.json`), 'utf8')) as VerifyRecord;
    } catch {
      // Not verified yet.
    }
    return {
      id,
      kind: manifest.kind,
      createdAt: manifest.createdAt,
      reason: manifest.reason,
      sizeBytes: statSync(path).size,
      appVersion: manifest.appVersion,
      schemaVersion: manifest.schemaVersion,
      counts: manifest.counts ?? null,
      verified,
      fingerprint: manifest.members.map((m) => `${m.name}:${m.sha256}`).join(','),
    };
  }

  /** Bytes used by backups and the share of the cap (for the maintenance alert). */
  usage(list: readonly BackupInfo[] = this.list()): { bytes: number; percentOfCap: number } {
    const bytes = list.reduce((sum, b) => sum + b.sizeBytes, 0);
    return { bytes, percentOfCap: Math.round((bytes / (this.#d.config.maxTotalMb * 2 ** 20)) * 1000) / 10 };
  }

  /**
   * Retention: each kind kept for its days; then, over the size cap, the oldest go first — but the
   * newest verified database backup always stays.
   */
  prune(): string[] {
    const now = this.#d.clock.now();
    const all = this.list();
    const keep = all.find((b) => b.kind === 'database' && b.verified?.ok)?.id;
    const removed: string[] = [];
    const remove = (id: string) => {
      rmSync(this.#path(id), { force: true });
      rmSync(join(this.folder, `${id}.verify.json`), { force: true });
      removed.push(id);
    };
    for (const b of all) {
      if (b.id !== keep && now - b.createdAt > this.#d.config[b.kind].keepDays * DAY_MS) remove(b.id);
    }
    const cap = this.#d.config.maxTotalMb * 2 ** 20;
    const left = all.filter((b) => !removed.includes(b.id));
    let total = left.reduce((sum, b) => sum + b.sizeBytes, 0);
    for (const b of [...left].reverse()) {
      if (total <= cap) break;
      if (b.id === keep) continue;
      remove(b.id);
      total -= b.sizeBytes;
    }
    if (removed.length) this.#log.info(`retention removed ${removed.length} backup(s): ${removed.join(', ')}`);
    return removed;
  }

  /**
   * Verifies a backup and stages it: a database is written beside rvm.db and swapped in at the next
   * start (applyStagedRestore); a configuration is validated and written at once. Nothing is changed
   * when the backup does not verify.
   */
  stageRestore(id: string): { kind: BackupKind; detail: string } {
    const { manifest, members } = openArchive(readFileSync(this.#path(id)), this.#key, `backup ${id}`);
    if (manifest.kind === 'database') {
      this.#checkDatabase(id, manifest, members.get(DB_FILE));
      writeFileAtomic(join(this.#d.dataDir, STAGED_RESTORE), members.get(DB_FILE)!, 0o600);
      return { kind: 'database', detail: `database from ${new Date(manifest.createdAt).toISOString()} staged` };
    }
    if (manifest.kind === 'config') {
      const text = members.get(CONFIG_FILE);
      if (!text) throw new BackupError(`backup ${id} holds no ${CONFIG_FILE}`);
      saveConfig(join(this.#d.dataDir, CONFIG_FILE), JSON.parse(text.toString('utf8')));
      return { kind: 'config', detail: `${CONFIG_FILE} restored; restart to use it` };
    }
    throw new BackupError('log backups are for reading (copy them to a drive), not for restoring');
  }

  /** Copies one archive (still encrypted) to a folder, e.g. a USB drive. */
  copyTo(id: string, folder: string): string {
    const target = join(folder, `${id}${EXT}`);
    copyFileSync(this.#path(id), `${target}.partial`);
    renameSync(`${target}.partial`, target);
    return target;
  }

  /** One backup at a time (a scheduled one never overlaps a technician's). */
  runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#running.then(task, task);
    this.#running = next.catch(() => undefined);
    return next;
  }

  async #collect(kind: BackupKind, id: string) {
    const { dataDir } = this.#d;
    if (kind === 'database') {
      const temp = join(this.folder, `.${id}.db`);
      const source = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
      try {
        await source.backup(temp);
      } finally {
        source.close();
      }
      try {
        const copy = new Database(temp, { readonly: true });
        const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
        const counts = countRows(copy);
        copy.close();
        return { members: [{ name: DB_FILE, data: readFileSync(temp) }], schemaVersion, counts };
      } finally {
        rmSync(temp, { force: true });
      }
    }
    if (kind === 'config') {
      const path = join(dataDir, CONFIG_FILE);
      const members = existsSync(path) ? [{ name: CONFIG_FILE, data: readFileSync(path) }] : [];
      return { members, schemaVersion: null, counts: undefined };
    }
    const logs = join(dataDir, 'logs');
    const names = existsSync(logs)
      ? readdirSync(logs)
          .filter((n) => n.endsWith('.log'))
          .sort()
      : [];
    return {
      members: names.map((n) => ({ name: `logs/${n}`, data: readFileSync(join(logs, n)) })),
      schemaVersion: null,
      counts: undefined,
    };
  }

  /** The database member opens, passes integrity_check and has the rows the manifest counted. */
  #checkDatabase(id: string, manifest: Manifest, data: Buffer | undefined): string {
    if (!data) throw new BackupError(`backup ${id} holds no ${DB_FILE}`);
    const temp = join(this.folder, `.verify-${id}.db`);
    writeFileAtomic(temp, data, 0o600);
    try {
      const db = new Database(temp, { readonly: true });
      try {
        const integrity = db.pragma('integrity_check', { simple: true });
        if (integrity !== 'ok') throw new BackupError(`backup ${id}: integrity_check says ${String(integrity)}`);
        const counts = countRows(db);
        for (const [table, expected] of Object.entries(manifest.counts ?? {})) {
          if (counts[table] !== expected) {
            throw new BackupError(`backup ${id}: ${table} has ${counts[table]} rows, the manifest says ${expected}`);
          }
        }
        return `integrity ok; ${Object.entries(counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}`;
      } finally {
        db.close();
      }
    } finally {
      rmSync(temp, { force: true });
    }
  }

  #path(id: string): string {
    if (!/^[0-9A-Za-z-]+$/.test(id)) throw new BackupError(`"${id}" is not a backup id`);
    return join(this.folder, `${id}${EXT}`);
  }
}

function countRows(db: Database.Database): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    counts[table] = db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  }
  return counts;
}

/** Reads just the header and manifest of an archive file. */
function readHeader(path: string): Manifest {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    const length = head.readUInt32BE(8);
    const size = Math.min(statSync(path).size, 12 + length + 28);
    const buffer = Buffer.alloc(size);
    readSync(fd, buffer, 0, size, 0);
    return readManifest(buffer, path).manifest;
  } finally {
    closeSync(fd);
  }
}

/** The kiosk's backups, keyed by the machine secret; undefined (logged) when that secret cannot be read. */
export function createBackupService(deps: Omit<BackupDeps, 'machineSecret'>): BackupService | undefined {
  try {
    return new BackupService({ ...deps, machineSecret: loadMachineSecret(deps.dataDir) });
  } catch (error) {
    deps.logger.error(`backups are off: ${(error as Error).message}`);
    return undefined;
  }
}
