import { spawn, type ChildProcess } from 'node:child_process';
import { SerialPort } from 'serialport';

export interface PtyPair {
  /** The device path a driver opens (as it opens /dev/ttyUSB0). */
  readonly path: string;
  /** Makes the pair (socat) and opens the far end (`<path>.sim`): what a simulated board reads and writes. */
  plug(): Promise<SerialPort>;
  /** The pair goes away, as an unplugged cable: the driver's end closes or hangs up. */
  unplug(): Promise<void>;
}

/**
 * A pseudo-terminal pair made by socat, for simulated devices (controllers, printers): the kiosk opens
 * `path` exactly as a real serial device; the simulator holds the other end. Plug and unplug repeat.
 */
export function ptyPair(path: string, baudRate: number): PtyPair {
  let socat: ChildProcess | undefined;
  let port: SerialPort | undefined;
  const unplug = async () => {
    const child = socat;
    socat = undefined;
    port?.destroy();
    port = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  };
  return {
    path,
    unplug,
    async plug() {
      const child = spawn('socat', ['-d', '-d', `PTY,link=${path},raw,echo=0`, `PTY,link=${path}.sim,raw,echo=0`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      socat = child;
      await socatReady(child);
      const opened = new SerialPort({ path: `${path}.sim`, baudRate, autoOpen: false });
      await new Promise<void>((resolve, reject) => opened.open((error) => (error ? reject(error) : resolve())));
      port = opened;
      return opened;
    },
  };
}

/** socat -d -d says "starting data transfer loop" once both ends and their links exist. */
function socatReady(socat: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    socat.once('error', (error) => reject(new Error(`cannot start socat (apt-get install socat): ${error.message}`)));
    socat.once('exit', (code) => reject(new Error(`socat exited (${code}) before the PTY pair existed: ${said}`)));
    socat.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('starting data transfer loop')) resolve();
    });
  });
}
