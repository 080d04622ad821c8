import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SAMPLE_LABELS } from '../../src-preload/contract';
import type { Logger } from '../log/logger';

/** What a technician said about a sample on the Training data tab. */
export type SampleLabel = (typeof SAMPLE_LABELS)[number];

/** A box as YOLO labels carry it: centre and size, as fractions of the image (0–1). */
export type NormBox = [cx: number, cy: number, w: number, h: number];

export interface NewSample {
  readonly at: number;
  readonly modelVersion: string | null;
  /** The model's class for the item (`unknown` when it saw nothing), its score, and the box. */
  readonly className: string;
  readonly score: number;
  readonly box: NormBox | null;
  readonly accepted: boolean;
  readonly reason: string | null;
  readonly barcode: string | null;
  /** How informative it is for training (higher is kept longer): low confidence, rejects, unknowns … */
  readonly priority: number;
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface Sample extends Omit<NewSample, 'jpeg'> {
  readonly id: number;
  readonly label: SampleLabel;
  /** The class and box the technician gave (confirmed: the model's). */
  readonly labelClass: string | null;
  readonly labelBox: NormBox | null;
  readonly bytes: number;
}

type Row = Omit<Sample, 'box' | 'labelBox' | 'accepted'> & {
  box: string | null;
  labelBox: string | null;
  accepted: number;
};

const COLUMNS = `id, at, model_version AS modelVersion, class_name AS className, score, box, accepted, reason, barcode,
  priority, width, height, bytes, label, label_class AS labelClass, label_box AS labelBox`;

/**
 * The machine's own training data (README: Bring your own chamber model): the frame behind each verdict
 * with what the model said, under <data>/dataset (apart from the deposits: losing it loses training data,
 * never credit), within a disk budget that keeps the informative and the reviewed samples longest.
 * Nothing leaves the machine except by export.
 */
export class DatasetStore {
  readonly #db: Database.Database;
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #log: Logger;

  constructor(dir: string, maxMb: number, logger: Logger) {
    this.#dir = dir;
    this.#maxBytes = maxMb * 1024 * 1024;
    this.#log = logger.scope('dataset');
    mkdirSync(join(dir, 'images'), { recursive: true });
    this.#db = new Database(join(dir, 'dataset.db'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS samples (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        model_version TEXT,
        class_name TEXT NOT NULL,
        score REAL NOT NULL,
        box TEXT,
        accepted INTEGER NOT NULL,
        reason TEXT,
        barcode TEXT,
        priority REAL NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT 'unreviewed',
        label_class TEXT,
        label_box TEXT
      ) STRICT;
      CREATE INDEX IF NOT EXISTS samples_label ON samples (label, at);
    `);
  }

  imagePath(id: number): string {
    return join(this.#dir, 'images', `${id}.jpg`);
  }

  /** Keeps a sample (image first, then its row), then makes room within the budget. */
  add(sample: NewSample): number {
    const id = Number(
      this.#db
        .prepare(
          `INSERT INTO samples (at, model_version, class_name, score, box, accepted, reason, barcode, priority, width, height, bytes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sample.at,
          sample.modelVersion,
          sample.className,
          sample.score,
          sample.box ? JSON.stringify(sample.box) : null,
          sample.accepted ? 1 : 0,
          sample.reason,
          sample.barcode,
          sample.priority,
          sample.width,
          sample.height,
          sample.jpeg.length,
        ).lastInsertRowid,
    );
    try {
      // A crash between the row and its image leaves a row without one: the export skips it.
      writeFileSync(this.imagePath(id), sample.jpeg);
    } catch (error) {
      this.#db.prepare('DELETE FROM samples WHERE id = ?').run(id);
      throw error;
    }
    this.#evict();
    return id;
  }

  get(id: number): Sample | undefined {
    const row = this.#db.prepare(`SELECT ${COLUMNS} FROM samples WHERE id = ?`).get(id) as Row | undefined;
    return row && toSample(row);
  }

  /** Newest first; `label` narrows to one review state. */
  list(label: SampleLabel | 'all', limit: number, offset = 0): Sample[] {
    const where = label === 'all' ? '1' : 'label = ?';
    const args = label === 'all' ? [limit, offset] : [label, limit, offset];
    return (
      this.#db
        .prepare(`SELECT ${COLUMNS} FROM samples WHERE ${where} ORDER BY priority DESC, at DESC LIMIT ? OFFSET ?`)
        .all(...args) as Row[]
    ).map(toSample);
  }

  /** Every sample, oldest first (the export). */
  *all(): Generator<Sample> {
    for (const row of this.#db.prepare(`SELECT ${COLUMNS} FROM samples ORDER BY id`).iterate())
      yield toSample(row as Row);
  }

  /** A technician's review: confirmed (the model was right), corrected (class and box), no item, bad image. */
  label(id: number, label: Exclude<SampleLabel, 'unreviewed'>, cls?: string, box?: NormBox): Sample {
    const sample = this.get(id);
    if (!sample) throw new Error(`no training sample ${id} (it may have made room for newer ones)`);
    const labelClass = label === 'corrected' ? cls : label === 'confirmed' ? sample.className : null;
    const labelBox = label === 'corrected' ? (box ?? sample.box) : label === 'confirmed' ? sample.box : null;
    if (label === 'corrected' && !cls) throw new Error('a correction needs the class the item really is');
    if ((label === 'corrected' || label === 'confirmed') && !labelBox)
      throw new Error('this sample has no box: draw one around the item, or mark it "no item"');
    this.#db
      .prepare('UPDATE samples SET label = ?, label_class = ?, label_box = ? WHERE id = ?')
      .run(label, labelClass ?? null, labelBox ? JSON.stringify(labelBox) : null, id);
    return this.get(id)!;
  }

  /** Counts per review state and per labelled class (progress per class), and the disk used. */
  stats(): { samples: number; bytes: number; byLabel: Record<string, number>; byClass: Record<string, number> } {
    const totals = this.#db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM samples').get() as {
      n: number;
      b: number;
    };
    const byLabel = Object.fromEntries(
      (
        this.#db.prepare('SELECT label, count(*) AS n FROM samples GROUP BY label').all() as Array<{
          label: string;
          n: number;
        }>
      ).map((r) => [r.label, r.n]),
    );
    const byClass = Object.fromEntries(
      (
        this.#db
          .prepare(
            `SELECT label_class AS c, count(*) AS n FROM samples WHERE label_class IS NOT NULL GROUP BY label_class`,
          )
          .all() as Array<{ c: string; n: number }>
      ).map((r) => [r.c, r.n]),
    );
    return { samples: totals.n, bytes: totals.b, byLabel, byClass };
  }

  close(): void {
    this.#db.close();
  }

  /** Over budget: the least informative unreviewed samples go first, then the oldest reviewed ones. */
  #evict(): void {
    let { b: bytes } = this.#db.prepare('SELECT coalesce(sum(bytes), 0) AS b FROM samples').get() as { b: number };
    if (bytes <= this.#maxBytes) return;
    const victims = this.#db
      .prepare(`SELECT id, bytes FROM samples ORDER BY (label = 'unreviewed') DESC, priority ASC, at ASC LIMIT 200`)
      .all() as Array<{ id: number; bytes: number }>;
    const drop = this.#db.prepare('DELETE FROM samples WHERE id = ?');
    let dropped = 0;
    for (const v of victims) {
      if (bytes <= this.#maxBytes) break;
      drop.run(v.id);
      rmSync(this.imagePath(v.id), { force: true });
      bytes -= v.bytes;
      dropped++;
    }
    if (dropped) this.#log.info(`training data at its budget: ${dropped} least informative samples made room`);
  }
}

function toSample(row: Row): Sample {
  return {
    ...row,
    accepted: row.accepted === 1,
    box: row.box ? (JSON.parse(row.box) as NormBox) : null,
    labelBox: row.labelBox ? (JSON.parse(row.labelBox) as NormBox) : null,
  };
}
