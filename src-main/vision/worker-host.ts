import { fork } from 'node:child_process';
import type { FromWorker, ToWorker } from './worker-protocol';

/** One running worker process, whichever way it was started. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

export type WorkerLauncher = () => WorkerHandle;

/** Headless mode and tests: a Node child process (typed arrays travel by structured clone). */
export function forkLauncher(entry: string): WorkerLauncher {
  return () => {
    const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', (m) => listener(m as FromWorker)),
      onExit: (listener) =>
        child.once('exit', (code, signal) => listener(signal ? `killed by ${signal}` : `exited with code ${code}`)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
