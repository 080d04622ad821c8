import type { Config } from '../config/config.schema';
import type { Logger } from '../log/logger';
import { readPlatformState, updatePlatformState } from './platform-state';
import type { PlatformProfile } from './profile';

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
  let knownId: string | number | undefined;
  try {
    knownId = readPlatformState(o.dataDir).engineId;
  } catch (error) {
    o.log.warn(`${(error as Error).message}; registering the engine anew`);
  }
  try {
    const id = await o.register(
      {
        name: engine.name ?? `${o.config.machine.name} detector`,
        type: engine.type,
        serverAddress: engine.serverAddress,
        port: engine.port,
      },
      knownId,
    );
    if (id !== knownId) {
      updatePlatformState(o.dataDir, { engineId: id });
      o.log.info(`registered processing engine ${id} with the platform`);
    }
  } catch (error) {
    o.log.warn(`processing engine not registered: ${(error as Error).message}`);
  }
}
