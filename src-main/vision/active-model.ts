import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** <data>/models/active.json: which manifest a model update made current, and the one before it. */
export interface ActiveModel {
  readonly manifest: string;
  readonly previous: string | null;
  /** Versions a technician rolled back from: not installed again when the platform names them. */
  readonly rolledBack?: readonly string[];
}

export function activeModel(dataDir: string): ActiveModel | undefined {
  const path = join(dataDir, 'models', 'active.json');
  if (!existsSync(path)) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<ActiveModel>;
    return typeof value.manifest === 'string'
      ? {
          manifest: value.manifest,
          previous: typeof value.previous === 'string' ? value.previous : null,
          rolledBack: Array.isArray(value.rolledBack) ? value.rolledBack.filter((v) => typeof v === 'string') : [],
        }
      : undefined;
  } catch {
    return undefined; // unreadable: the configured manifest is used
  }
}
