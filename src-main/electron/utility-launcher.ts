import type { UtilityProcess } from 'electron';
import type { WorkerLauncher } from '../vision/worker-host';
import type { FromWorker, ToWorker } from '../vision/worker-protocol';

/**
 * The Electron implementation of the worker host: the inference worker as a utilityProcess (a
 * Chromium-managed Node child), the same protocol as the forked worker in headless mode. The barcode
 * worker starts the same way with its own protocol.
 */
export function utilityLauncher<In = ToWorker, Out = FromWorker>(
  utilityProcess: { fork(modulePath: string, args?: string[], options?: { serviceName?: string }): UtilityProcess },
  entry: string,
  serviceName = 'rvm-inference',
): WorkerLauncher<In, Out> {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName });
    // A fatal error in the child is reported here before its exit, which is what the supervisor acts on.
    child.on('error', () => undefined);
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (message: unknown) => listener(message as Out)),
      onExit: (listener) => child.once('exit', (code: number) => listener(`exited with code ${code}`)),
      kill: () => {
        child.kill();
      },
    };
  };
}
