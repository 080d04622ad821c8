import { join } from 'node:path';
import { machineTimeZone, type Config } from '../config/config.schema';
import { readV1Credentials, type V1Credentials } from './credentials';
import { PlatformHttp } from './http';
import type { MachineAddresses } from './network-address';
import type { PlatformError } from './platform-error';
import type { PlatformProfile } from './profile';
import { V1Profile } from './v1.profile';
import { V2Profile } from './v2.profile';

export interface ProfileSetup {
  readonly config: Config;
  readonly dataDir: string;
  readonly appVersion: string;
  readonly now: () => number;
  /** Each completed exchange: ok (null) or the failure (for the connection status). */
  readonly onOutcome?: (error: PlatformError | null) => void;
  /** v1 credentials already read (setup's connection test), instead of the file. */
  readonly credentials?: V1Credentials;
  /** The machine's LAN and VPN addresses (v1 handshake and heartbeat). */
  readonly addresses?: () => MachineAddresses;
  /** The component names the platform's commands may use (v1 handshake `hardware_info`). */
  readonly components?: () => { readonly sensors: readonly string[]; readonly actuators: readonly string[] };
  /** The running model's version (v2 detection results). */
  readonly modelVersion?: () => string | null;
  /** Notes worth a warning (a v2 server without the engine ping route). */
  readonly log?: (message: string) => void;
}

/** Where the v1 provisioning file is kept: platform.v1.credentialsFile, else <data>/rvm-credentials.json. */
export function credentialsPath(config: Config, dataDir: string): string {
  return config.platform.v1.credentialsFile || join(dataDir, 'rvm-credentials.json');
}

/**
 * The client for the configured server generation (the kiosk's link and `npm run platform -- check`
 * use the same one). Throws a readable error when the credentials cannot be read.
 */
export function createProfile(setup: ProfileSetup): PlatformProfile {
  const { config } = setup;
  const p = config.platform;
  if (p.profile === 'none') throw new Error('platform.profile is "none": no platform is configured');
  let profile: V1Profile | V2Profile | undefined;
  const http = new PlatformHttp({
    baseUrl: p.baseUrl,
    timeoutMs: p.timeoutMs,
    headers: () => profile?.headers() ?? {},
    ...(setup.onOutcome ? { onOutcome: setup.onOutcome } : {}),
  });
  if (p.profile === 'v1') {
    const file = credentialsPath(config, setup.dataDir);
    profile = new V1Profile({
      http,
      credentials: setup.credentials ?? readV1Credentials(file),
      credentialsFile: setup.credentials ? undefined : file,
      appVersion: setup.appVersion,
      timezone: machineTimeZone(config),
      now: setup.now,
      ...(setup.addresses ? { addresses: setup.addresses } : {}),
      ...(setup.components ? { components: setup.components } : {}),
    });
    return profile;
  }
  const { v2 } = p;
  const materials = config.deposit.materials;
  profile = new V2Profile({
    http,
    rvmId: v2.rvmId!,
    email: v2.email!,
    password: v2.password!,
    apiKey: v2.apiKey,
    deviceName: config.machine.name,
    appVersion: setup.appVersion,
    timezone: machineTimeZone(config),
    wasteTypes: v2.wasteTypes,
    typicalWeightG: (material) => {
      const m = materials[material];
      return m?.minWeightG !== undefined && m.maxWeightG !== undefined ? (m.minWeightG + m.maxWeightG) / 2 : undefined;
    },
    live: p.live.url ? { url: p.live.url, channel: `rvm.${v2.rvmId}` } : null,
    now: setup.now,
    ...(setup.modelVersion ? { modelVersion: setup.modelVersion } : {}),
    ...(setup.log ? { log: setup.log } : {}),
  });
  return profile;
}
