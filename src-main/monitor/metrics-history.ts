import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { MetricsHistory, MetricsSample } from '../../src-preload/contract';
import type { Logger } from '../log/logger';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;
/** Metrics where a minute's worst value matters more than its mean (a 1 for "down" must survive). */
const WORST_OF: ReadonlySet<string> = new Set([
  'workerUnstable',
  'cameraDown',
  'platformDown',
  'workerRestarts10m',
  'hardwareFault',
  'storageFault',
  'printerFault',
  'printerPaperLow',
  'configFault',
  'chamberViewOccupied',
]);

type Values = Omit<MetricsSample, 'at'>;

/**
 * 24 hours of samples in their own SQLite file (<data>/monitor.db, apart from the deposits: losing
 * it loses charts, never credit): every sample for the last hour, one averaged row per minute for
 * the day. Bounded: ≈ 720 + 1,440 rows. Also holds the PIN pad's lockout so that it survives a restart.
 */
export class MetricsStore {
  readonly #db: Database.Database;
  readonly #sql;
  /** The minute (ms) whose fine samples are not yet rolled up. */
  #openMinute: number | undefined;

  constructor(
    path: string,
    logger: Logger,
    private readonly sampleS: number,
  ) {
    this.#db = openOrRecreate(path, logger);
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS fine (at INTEGER PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS coarse (at INTEGER PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    `);
    const db = this.#db;
    this.#sql = {
      insertFine: db.prepare(`INSERT OR REPLACE INTO fine (at, data) VALUES (?, ?)`),
      insertCoarse: db.prepare(`INSERT OR REPLACE INTO coarse (at, data) VALUES (?, ?)`),
      fineBetween: db.prepare(`SELECT at, data FROM fine WHERE at >= ? AND at < ? ORDER BY at`),
      coarseSince: db.prepare(`SELECT at, data FROM coarse WHERE at >= ? ORDER BY at`),
      pruneFine: db.prepare(`DELETE FROM fine WHERE at <= ?`),
      pruneCoarse: db.prepare(`DELETE FROM coarse WHERE at <= ?`),
      lastFine: db.prepare(`SELECT MAX(at) FROM fine`).pluck(),
      get: db.prepare(`SELECT value FROM kv WHERE key = ?`).pluck(),
      put: db.prepare(`INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)`),
    };
    const last = this.#sql.lastFine.get() as number | null;
    if (last !== null) this.#openMinute = floorMinute(last);
  }

  add(sample: MetricsSample): void {
    const minute = floorMinute(sample.at);
    this.#db.transaction(() => {
      if (this.#openMinute !== undefined && minute > this.#openMinute) this.#rollUp(this.#openMinute);
      this.#openMinute = minute;
      this.#sql.insertFine.run(sample.at, JSON.stringify(values(sample)));
      this.#sql.pruneFine.run(sample.at - HOUR_MS);
      this.#sql.pruneCoarse.run(sample.at - DAY_MS);
    })();
  }

  /** The last `rangeS` seconds up to `now`: every sample within an hour, per-minute rows beyond. */
  history(rangeS: number, now: number): MetricsHistory {
    const since = now - rangeS * 1000 + 1; // (now − range, now]
    if (rangeS * 1000 <= HOUR_MS) {
      return { resolutionS: this.sampleS, samples: this.#rows(this.#sql.fineBetween.all(since, now + 1)) };
    }
    // Per-minute rows, then the current minute's samples averaged so the chart reaches "now".
    const coarse = this.#rows(this.#sql.coarseSince.all(since));
    const current =
      this.#openMinute === undefined ? [] : this.#rows(this.#sql.fineBetween.all(this.#openMinute, now + 1));
    const tail = current.length ? [{ ...average(current), at: this.#openMinute! }] : [];
    return { resolutionS: 60, samples: [...coarse.filter((s) => s.at < (this.#openMinute ?? Infinity)), ...tail] };
  }

  getValue(key: string): string | undefined {
    return (this.#sql.get.get(key) as string | undefined) ?? undefined;
  }

  setValue(key: string, value: string): void {
    this.#sql.put.run(key, value);
  }

  /** Bytes on disk (main file + WAL), for the bench and the dashboard. */
  sizeBytes(): number {
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const size = this.#db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }

  close(): void {
    this.#db.close();
  }

  #rollUp(minute: number): void {
    const rows = this.#rows(this.#sql.fineBetween.all(minute, minute + MINUTE_MS));
    if (rows.length) this.#sql.insertCoarse.run(minute, JSON.stringify(values(average(rows))));
  }

  #rows(rows: unknown[]): MetricsSample[] {
    return (rows as Array<{ at: number; data: string }>).map((r) => ({ ...(JSON.parse(r.data) as Values), at: r.at }));
  }
}

function values(sample: MetricsSample): Values {
  const { at: _at, ...rest } = sample;
  return rest;
}

const floorMinute = (at: number) => at - (at % MINUTE_MS);

/** Per metric: the mean of the measured values (the worst for up/down flags); null when none was measured. */
function average(rows: readonly MetricsSample[]): MetricsSample {
  const out: Record<string, number | null> = {};
  for (const key of Object.keys(values(rows[0]!))) {
    const measured = rows.map((r) => r[key as keyof Values]).filter((v): v is number => v !== null);
    if (!measured.length) out[key] = null;
    else if (WORST_OF.has(key)) out[key] = Math.max(...measured);
    else out[key] = Math.round((measured.reduce((a, b) => a + b, 0) / measured.length) * 100) / 100;
  }
  return { ...(out as Values), at: rows[0]!.at };
}

/** Only charts (and a lockout) live here: a file that cannot be opened is removed and started afresh. */
function openOrRecreate(path: string, logger: Logger): Database.Database {
  const open = () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (db.pragma('quick_check', { simple: true }) !== 'ok') {
      db.close();
      throw new Error('quick_check failed');
    }
    return db;
  };
  try {
    return open();
  } catch (error) {
    logger.warn(`metrics history ${path} unusable (${(error as Error).message}); starting a new one`);
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
    return open();
  }
}
