import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.schema';
import { writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../log/logger';
import type { PlatformProfile } from './profile';

/** What the platform remembers of this kiosk between runs (<data>/platform-state.json). */
interface PlatformState {
  /** The processing engine registered for this machine. */
  engineId?: string | number;
}

/**
 * The detector as a processing engine, when the profile can register one and the configuration asks
 * for it: registered once (the id is kept in <data>/platform-state.json), pinged at every later
 * connect. Never throws: a failure is logged and tried again at the next connect.
 */
export async function registerEngine(o: {
  readonly register: NonNullable<PlatformProfile['registerEngine']>;
  readonly config: Config;
  readonly dataDir: string;
  readonly log: Logger;
}): Promise<void> {
  const engine = o.config.platform.v2.processingEngine;
  if (!engine.register || !engine.serverAddress) return;
  const statePath = join(o.dataDir, 'platform-state.json');
  let state: PlatformState = {};
  try {
    if (existsSync(statePath)) state = JSON.parse(readFileSync(statePath, 'utf8')) as PlatformState;
  } catch (error) {
    o.log.warn(`${statePath} unreadable (${(error as Error).message}); registering the engine anew`);
  }
  try {
    const id = await o.register(
      {
        name: engine.name ?? `${o.config.machine.name} detector`,
        type: engine.type,
        serverAddress: engine.serverAddress,
        port: engine.port,
      },
      state.engineId,
    );
    if (id !== state.engineId) {
      writeFileAtomic(statePath, JSON.stringify({ ...state, engineId: id }, null, 2));
      o.log.info(`registered processing engine ${id} with the platform`);
    }
  } catch (error) {
    o.log.warn(`processing engine not registered: ${(error as Error).message}`);
  }
}
