import { join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { loadConfig, readConfigFile, resolveDataDir } from '../config/config.loader';
import type { Config } from '../config/config.schema';
import type { Logger } from '../log/logger';
import { createProfile, credentialsPath } from './create-profile';
import { importV1Credentials } from './credentials';
import { LiveEvents } from './live-events';
import { PlatformError } from './platform-error';
import type { HealthSnapshot, PlatformProfile } from './profile';

const USAGE = `usage: npm run platform -- <command>
  check [--config <file>]   log in to the configured MyRVM platform (v1 handshake / v2 login), send one
                            heartbeat and test live events; prints what worked (a "test connection")
  import <file>             import rvm-credentials.json (v1) from a path or USB stick into the data
                            folder with mode 0600; a bad file changes nothing
Without --config the kiosk's own configuration is used (RVM_DATA_DIR, default ~/.config/rvm-kiosk).`;

/** How long the check waits for the live-events subscription. */
const LIVE_WAIT_MS = 5000;

/** `npm run platform -- …` for technicians and installers; resolves to the exit code. */
export async function runPlatformCli(
  argv: readonly string[],
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  const dataDir = resolveDataDir(env);
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? (rest[i + 1] ?? '') : undefined;
  };
  if (command === 'import') {
    const source = rest[0];
    if (!source) {
      out('usage: npm run platform -- import <path to rvm-credentials.json>');
      return 2;
    }
    try {
      const config = loadConfig(dataDir, env).config;
      const target = credentialsPath(config, dataDir);
      const credentials = importV1Credentials(source, target);
      out(
        `imported credentials for machine ${credentials.serial_number} ("${credentials.name}") into ${target} (mode 0600)`,
      );
      out('restart the kiosk (or run: npm run platform -- check) to connect with them');
      return 0;
    } catch (error) {
      out(`not imported: ${(error as Error).message}`);
      return 1;
    }
  }
  if (command !== 'check') {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  let config: Config;
  const file = flag('--config');
  try {
    if (file === '') throw new Error('--config needs the path of a config.json');
    config = file !== undefined ? readConfigFile(file, env) : loadConfig(dataDir, env).config;
  } catch (error) {
    out(`✗ configuration: ${(error as Error).message}`);
    return 1;
  }
  return check(config, file !== undefined ? join(file, '..') : dataDir, out);
}

async function check(config: Config, dataDir: string, out: (line: string) => void): Promise<number> {
  const p = config.platform;
  if (p.profile === 'none') {
    out('platform.profile is "none": this kiosk works offline and delivers nothing. Set it to v1 or v2.');
    return 1;
  }
  out(`MyRVM ${p.profile} at ${p.baseUrl}`);
  let profile: PlatformProfile;
  try {
    profile = createProfile({ config, dataDir, appVersion: pkg.version, now: Date.now });
  } catch (error) {
    out(`✗ credentials: ${(error as Error).message}`);
    return 1;
  }
  if (profile.credentialsFile) out(`✓ credentials: ${profile.credentialsFile}`);
  const step = async (what: string, run: () => Promise<string>): Promise<boolean> => {
    try {
      out(`✓ ${what}: ${await run()}`);
      return true;
    } catch (error) {
      out(`✗ ${what}: ${explain(error)}`);
      return false;
    }
  };
  const connected = await step(profile.labels.connect, async () => {
    await profile.connect();
    return 'accepted';
  });
  if (!connected) return 1;
  const beat = await step(profile.labels.heartbeat, async () => {
    const commands = await profile.heartbeat(snapshot());
    return commands.length
      ? `accepted; the platform sent ${commands.map((c) => c.action).join(', ')} (not run by this check)`
      : 'accepted';
  });
  const machineStatus = profile.machineStatus;
  if (machineStatus) {
    await step('machine status on the platform', async () => {
      const s = await machineStatus();
      return `${s.name} is "${s.status}"`;
    });
  }
  await step('QR login code', async () => {
    const qr = await profile.createQr();
    return `issued (expires ${new Date(qr.expiresAt).toISOString()})`;
  });
  await checkLive(config, profile, out);
  return beat ? 0 : 1;
}

async function checkLive(config: Config, profile: PlatformProfile, out: (line: string) => void): Promise<void> {
  const channel = profile.live();
  const { key, url } = config.platform.live;
  if (!key || (!channel && !url)) {
    out(`- live events: not configured (${profile.labels.liveSettings}); QR claims are polled`);
    return;
  }
  const target = { url: url || channel!.url, channel: channel?.channel ?? '' };
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const subscribed = await new Promise<boolean>((resolve) => {
    let live: LiveEvents;
    const timer = setTimeout(() => {
      live.stop();
      resolve(false);
    }, LIVE_WAIT_MS);
    try {
      live = new LiveEvents({
        channel: target,
        key,
        logger,
        onEvent: () => undefined,
        onState: (on) => {
          if (!on) return;
          clearTimeout(timer);
          live.stop();
          resolve(true);
        },
      });
      live.start();
    } catch (error) {
      clearTimeout(timer);
      out(`✗ live events: ${(error as Error).message}`);
      resolve(false);
    }
  });
  out(
    subscribed
      ? `✓ live events: subscribed to ${target.channel} at ${target.url}`
      : `✗ live events: no subscription to ${target.channel} at ${target.url} within ${LIVE_WAIT_MS / 1000} s${warnings.length ? ` (${warnings.at(-1)})` : ''}; QR claims will be polled`,
  );
}

/** The failure, with what to do about it. */
function explain(error: unknown): string {
  if (!(error instanceof PlatformError)) return (error as Error).message;
  if (error.kind === 'network' || error.kind === 'timeout') {
    return `${error.message} — is platform.baseUrl right, and is the network up?`;
  }
  if (error.status === 401) return `${error.message} — the platform refused the credentials; check or re-import them`;
  if (error.status === 403)
    return `${error.message} — the platform knows the machine but refuses it (blocked, or no technician assigned)`;
  return error.message;
}

function snapshot(): HealthSnapshot {
  return {
    cpuPercent: null,
    memoryPercent: null,
    diskPercent: null,
    temperatureC: null,
    binLevelPercent: 0,
    uptimeS: 0,
    depositsSinceStart: 0,
    appVersion: pkg.version,
    modelVersion: null,
    cameras: [],
    alerts: [],
  };
}

/** Keeps warnings and errors (to explain a failure), drops the rest. */
function collectingLogger(into: string[]): Logger {
  const keep = (message: string) => void into.push(message);
  const nothing = () => undefined;
  const logger: Logger = { error: keep, warn: keep, info: nothing, debug: nothing, scope: () => logger };
  return logger;
}

if (process.argv[1]?.endsWith('platform-cli.js')) {
  void runPlatformCli(process.argv.slice(2), (line) => console.log(line)).then((code) => {
    process.exitCode = code;
    // pusher-js may keep a reconnect timer: the check is over.
    setTimeout(() => process.exit(code), 100).unref();
  });
}
