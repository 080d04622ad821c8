import type { Db } from './database';

/** Small durable settings in the deposit database (e.g. the machine status a technician set). */
export class SettingsRepo {
  readonly #get;
  readonly #put;

  constructor(db: Db) {
    this.#get = db.prepare(`SELECT value FROM settings WHERE key = ?`).pluck();
    this.#put = db.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`);
  }

  getValue(key: string): string | undefined {
    return (this.#get.get(key) as string | undefined) ?? undefined;
  }

  setValue(key: string, value: string): void {
    this.#put.run(key, value);
  }
}
