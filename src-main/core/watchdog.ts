import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Logger } from '../log/logger';
import type { Clock } from '../kernel/clock';

/** Where sd_notify messages go (systemd's NOTIFY_SOCKET). */
export interface NotifySink {
  send(message: string): void;
  close(): void;
}

export interface Liveness {
  readonly ok: boolean;
  /** What is wrong, when not ok (logged, and sent as the unit's STATUS=). */
  readonly problems: readonly string[];
}

/**
 * systemd's watchdog (WatchdogSec= in build/linux/rvm-kiosk.service). Every half period it asks
 * `check()`; only a healthy kiosk sends WATCHDOG=1, so a hung main process (this timer never fires),
 * a store that stopped answering or a dead inference worker ends in a restart by systemd.
 */
export class Watchdog {
  #stop: (() => void) | undefined;
  #lastProblems = '';

  constructor(
    private readonly o: {
      readonly intervalMs: number;
      readonly check: () => Liveness;
      readonly sink: NotifySink;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  start(): void {
    if (this.#stop) return;
    this.o.sink.send('READY=1\nSTATUS=started');
    const tick = () => {
      this.#beat();
      this.#stop = this.o.clock.after(this.o.intervalMs, tick);
    };
    tick();
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
    this.o.sink.send('STOPPING=1');
    this.o.sink.close();
  }

  #beat(): void {
    let liveness: Liveness;
    try {
      liveness = this.o.check();
    } catch (error) {
      liveness = { ok: false, problems: [`health check failed: ${(error as Error).message}`] };
    }
    const problems = liveness.problems.join('; ');
    if (problems !== this.#lastProblems) {
      if (liveness.ok) this.o.logger.info('watchdog: healthy again, WATCHDOG=1 resumed');
      else this.o.logger.error(`watchdog: withholding WATCHDOG=1 (${problems}); systemd restarts the kiosk soon`);
      this.#lastProblems = problems;
    }
    if (liveness.ok) this.o.sink.send('WATCHDOG=1\nSTATUS=healthy');
    else this.o.sink.send(`STATUS=unhealthy: ${problems.replace(/\n/g, ' ')}`);
  }
}

/**
 * The watchdog systemd asked for, or undefined when not run under a unit with WatchdogSec=.
 * WATCHDOG_PID is not compared: under cage the kiosk is the compositor's child, not the unit's main
 * process (the unit sets NotifyAccess=all for that reason).
 */
export function watchdogFromEnv(
  env: NodeJS.ProcessEnv,
  deps: { check: () => Liveness; clock: Clock; logger: Logger; sink?: (socket: string) => NotifySink },
): Watchdog | undefined {
  const socket = env.NOTIFY_SOCKET;
  const usec = Number(env.WATCHDOG_USEC);
  if (!socket || !Number.isFinite(usec) || usec <= 0) return undefined;
  const intervalMs = Math.max(500, Math.floor(usec / 1000 / 2));
  const log = deps.logger.scope('watchdog');
  log.info(`systemd watchdog every ${intervalMs} ms (WatchdogSec ${usec / 1e6} s) via ${socket}`);
  return new Watchdog({
    intervalMs,
    check: deps.check,
    clock: deps.clock,
    logger: log,
    sink: (deps.sink ?? ((path) => socatNotifier(path, log)))(socket),
  });
}

/**
 * NOTIFY_SOCKET is a Unix datagram socket, which Node cannot send to. One long-lived socat (a
 * dependency of the deb) turns each line block written to its stdin into one datagram; being long
 * lived, systemd can always tell which unit the sender belongs to (a short-lived `systemd-notify`
 * may exit before systemd looks it up, and its message is then dropped).
 */
export function socatNotifier(socket: string, logger: Logger): NotifySink {
  // '@name' is an abstract-namespace socket.
  const address = socket.startsWith('@') ? `ABSTRACT-SENDTO:${socket.slice(1)}` : `UNIX-SENDTO:${socket}`;
  let child: ChildProcessWithoutNullStreams | undefined;
  let failed = false;
  const open = (): ChildProcessWithoutNullStreams | undefined => {
    if (child || failed) return child;
    const proc = spawn('socat', ['-u', 'STDIN', address], { stdio: 'pipe' });
    proc.on('error', (error: NodeJS.ErrnoException) => {
      failed = true;
      logger.error(
        error.code === 'ENOENT'
          ? 'socat is not installed: the systemd watchdog gets no WATCHDOG=1 and restarts the kiosk; apt-get install socat'
          : `cannot start socat for the systemd watchdog: ${error.message}`,
      );
    });
    proc.stderr.on('data', (chunk: Buffer) => logger.warn(`socat: ${chunk.toString().trim()}`));
    proc.stdin.on('error', () => undefined); // an exited socat: reported by 'exit'
    proc.on('exit', (code) => {
      if (child === proc) child = undefined;
      if (code !== 0 && code !== null) logger.warn(`socat for the watchdog exited with ${code}; starting it again`);
    });
    child = proc;
    return proc;
  };
  return {
    send(message) {
      open()?.stdin.write(`${message}\n`);
    },
    close() {
      child?.stdin.end();
      child = undefined;
    },
  };
}
