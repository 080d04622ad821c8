import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';

/** What the platform link remembers of this kiosk between runs (<data>/platform-state.json). */
export interface PlatformState {
  /** The processing engine registered for this machine (v2). */
  readonly engineId?: string | number;
  /** The address and time zone the platform was last told (v2 PATCH /rvm/self/update). */
  readonly selfUpdate?: { readonly ipAddress: string | null; readonly timezone: string };
}

const FILE = 'platform-state.json';

/** The state file, or {} when there is none; throws with the reason when it cannot be read. */
export function readPlatformState(dataDir: string): PlatformState {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PlatformState;
  } catch (error) {
    throw new Error(`${path} unreadable (${(error as Error).message})`, { cause: error });
  }
}

/** Changes some keys of the state file (written atomically; an unreadable file is replaced). */
export function updatePlatformState(dataDir: string, change: Partial<PlatformState>): void {
  let state: PlatformState = {};
  try {
    state = readPlatformState(dataDir);
  } catch {
    // Replaced below: what it held is asked of the platform again.
  }
  writeFileAtomic(join(dataDir, FILE), JSON.stringify({ ...state, ...change }, null, 2));
}
