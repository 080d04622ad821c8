import { fork, type Serializable } from 'node:child_process';
import type { FromWorker, ToWorker } from './worker-protocol';

/** One running worker process, whichever way it was started (the inference worker's protocol unless told). */
export interface WorkerHandle<In = ToWorker, Out = FromWorker> {
  readonly pid: number | undefined;
  send(message: In): void;
  onMessage(listener: (message: Out) => void): void;
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

export type WorkerLauncher<In = ToWorker, Out = FromWorker> = () => WorkerHandle<In, Out>;

/** Headless mode and tests: a Node child process (typed arrays travel by structured clone). */
export function forkLauncher<In = ToWorker, Out = FromWorker>(entry: string): WorkerLauncher<In, Out> {
  return () => {
    const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // A send racing a dying child reports here: its exit is what the supervisor acts on.
    child.on('error', () => undefined);
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message as Serializable);
      },
      onMessage: (listener) => child.on('message', (m) => listener(m as Out)),
      onExit: (listener) =>
        child.once('exit', (code, signal) => listener(signal ? `killed by ${signal}` : `exited with code ${code}`)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
