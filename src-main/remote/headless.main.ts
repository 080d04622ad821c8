import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/config.loader';
import { bootstrap, EXIT_CONFIG, EXIT_RESTART, startWatchdog } from '../core/bootstrap';
import { installProcessGuards } from '../kernel/process-guards';
import { startRemoteServer } from './remote.server';

/** `npm run serve`: the same core as the Electron app, with the UI at http://127.0.0.1:PORT/. */
async function main(): Promise<void> {
  let booted;
  // Set once the server listens; a restart requested earlier waits for it.
  let stop: (signal: string, code: number) => Promise<void> = () => Promise.resolve();
  try {
    booted = bootstrap({ runtime: 'headless', electronVersion: null }, process.env, undefined, {
      restart: () => void stop('restart requested by the platform', EXIT_RESTART),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`RVM kiosk refused to start.\n${error.message}`);
    process.exit(EXIT_CONFIG);
  }
  const { core, loaded, logger } = booted;
  installProcessGuards(process, logger, { where: 'headless server', exit: (code) => process.exit(code) });
  core.start();
  const stopWatchdog = startWatchdog(booted);
  const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  const { host, port } = loaded.config.remote;
  const metrics = core.prometheus();
  const server = await startRemoteServer({ core, remote: loaded.config.remote, rendererDir, logger, metrics }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' && error.code !== 'EADDRNOTAVAIL') {
        // TLS files missing or not a pair: a configuration problem, named in the message.
        console.error(`RVM kiosk cannot serve: ${error.message}`);
        process.exit(EXIT_CONFIG);
      }
      const what = error.code === 'EADDRINUSE' ? 'is already in use' : 'is not an address of this machine';
      console.error(
        `RVM kiosk cannot listen: ${host}:${port} ${what}. Stop the other process or set RVM_REMOTE__PORT / remote.host.`,
      );
      process.exit(1);
    },
  );
  logger.info(`RVM kiosk (headless) listening on ${server.url}`);
  // One machine-readable line for scripts and tests that start us with port 0.
  process.stdout.write(`RVM_LISTENING ${server.url}\n`);

  let stopping = false;
  stop = async (signal: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    stopWatchdog();
    await server.close();
    core.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
}

main().catch((error: unknown) => {
  console.error('RVM kiosk (headless) failed to start:', error);
  process.exit(1);
});
