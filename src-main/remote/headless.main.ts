import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/config.loader';
import { bootstrap, EXIT_CONFIG, EXIT_RESTART, startWatchdog } from '../core/bootstrap';
import { installProcessGuards } from '../kernel/process-guards';
import { startRemoteServer } from './remote.server';

/** `npm run serve`: the same core as the Electron app, with the UI at http://127.0.0.1:PORT/. */
async function main(): Promise<void> {
  let booted;
  // Set once the server listens; a restart requested earlier waits for it.
  let stop: (signal: string, code: number, successor?: boolean) => Promise<void> = () => Promise.resolve();
  // Under systemd the service manager starts the kiosk again after EX_TEMPFAIL; under `npm run serve`
  // nothing would, so this process starts its successor itself and waits for it.
  const supervised = Boolean(process.env.INVOCATION_ID || process.env.NOTIFY_SOCKET);
  try {
    booted = bootstrap({ runtime: 'headless', electronVersion: null }, process.env, undefined, {
      restart: (why) => void stop(`restarting (${why})`, EXIT_RESTART, !supervised),
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
  const server = await startRemoteServer({
    core,
    remote: loaded.config.remote,
    rendererDir,
    logger,
    metrics,
    till: core.till(),
  }).catch((error: NodeJS.ErrnoException) => {
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
  });
  logger.info(`RVM kiosk (headless) listening on ${server.url}`);
  // One machine-readable line for scripts and tests that start us with port 0.
  process.stdout.write(`RVM_LISTENING ${server.url}\n`);

  let stopping = false;
  stop = async (signal: string, code: number, successor = false) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    stopWatchdog();
    await server.close();
    core.stop();
    if (successor) return startSuccessor();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
}

/**
 * The same command again, in the same terminal; this process stays to pass Ctrl-C / SIGTERM on and
 * to end with the successor's exit code.
 */
function startSuccessor(): void {
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: process.env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1)));
}

main().catch((error: unknown) => {
  console.error('RVM kiosk (headless) failed to start:', error);
  process.exit(1);
});
