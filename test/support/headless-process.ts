// The real headless kiosk (dist/main/headless.js, as `npm run serve` runs it) in a child process on a
// free loopback port: tests and benchmarks attack it from outside and see whether the process lives.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tempDir } from './test-core';

// Tests and benchmarks run from the repository root (this file is also bundled elsewhere for benchmarks).
const ENTRY = resolve('dist/main/headless.js');

export interface HeadlessKiosk {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) if the process ends. */
  readonly exited: Promise<number | string>;
  alive(): boolean;
  /** Resident memory now, in MB (Linux /proc). */
  rssMb(): number;
  /** SIGTERM and wait; removes the data folder unless it was given. */
  stop(): Promise<void>;
}

export async function startHeadless(
  env: NodeJS.ProcessEnv = {},
  options: { dir?: string } = {},
): Promise<HeadlessKiosk> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run "npm run build" first`);
  const owned = options.dir ? undefined : tempDir('rvm-headless-');
  const dir = options.dir ?? owned!.dir;
  const child = spawn(process.execPath, [ENTRY], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RVM_DATA_DIR: dir,
      RVM_REMOTE__PORT: '0',
      RVM_VISION__ENABLED: 'false',
      RVM_SETUP__ENABLED: 'false',
      RVM_LOG__LEVEL: 'info',
      ...env,
    },
  });
  let output = '';
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve((exitedWith = code ?? signal ?? 'unknown'))),
  );
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /RVM_LISTENING https?:\/\/[^:]+:(\d+)\//.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`headless kiosk exited (${code}) before listening:\n${output}`)));
  });
  const port = await listening;
  return {
    port,
    dir,
    child,
    output: () => output,
    exited,
    alive: () => exitedWith === undefined,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    },
    async stop() {
      if (exitedWith === undefined) {
        child.kill('SIGTERM');
        await exited;
      }
      owned?.cleanup();
    },
  };
}
