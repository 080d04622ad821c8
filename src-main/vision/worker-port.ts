/** How a worker process talks to main, whichever way it was started. */
export interface Port<In, Out> {
  on(event: 'message', listener: (message: In) => void): void;
  postMessage(message: Out): void;
}

/** Electron's utilityProcess exposes process.parentPort; a forked Node child uses process.send. */
export function parentPort<In, Out>(): Port<In, Out> {
  const electronPort = (
    process as unknown as {
      parentPort?: { on(e: 'message', l: (m: { data: In }) => void): void; postMessage(m: Out): void };
    }
  ).parentPort;
  if (electronPort) {
    return {
      on: (_e, l) => electronPort.on('message', (m) => l(m.data)),
      postMessage: (m) => electronPort.postMessage(m),
    };
  }
  if (!process.send) throw new Error('a kiosk worker must be started by the kiosk (fork or utilityProcess)');
  return { on: (_e, l) => process.on('message', l), postMessage: (m) => process.send!(m) };
}
