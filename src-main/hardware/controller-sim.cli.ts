import { createInterface } from 'node:readline';
import { ERROR_CODES, type ErrorCode } from './controller-protocol';
import { startPtyController } from './controller-simulator';

/** Where the command's lines go (the terminal). */
type Out = (line: string) => void;

const USAGE = `usage: rvm-kiosk controller-sim [PATH] [--boot-ms N]
The reference machine controller (protocol 1, resources/controller-protocol.md) behind a pseudo-terminal
at PATH (default /tmp/rvm-controller; needs socat). Point the kiosk at it: hardware.driver "serial",
hardware.serialPath PATH. --boot-ms: how long the board ignores input after it is plugged in (default 0).
Then type at the prompt:
  jam [CODE]    refuse the next items with CODE (default door_jammed) and report it as a fault
  clear         the jam is cleared: report healthy
  hang          answer nothing;   answer: answer again
  bin N         bin level N %;    weight G: G grams on the scale ("weight none": no scale)
  reboot        the board restarts (sends "ready")
  unplug        the cable is pulled; plug: plugged back in (the board boots)
  status        what the board reports now;   quit`;

/** `rvm-kiosk controller-sim`: a board to try the kiosk, or firmware behaviour, without hardware. */
export async function runControllerSimCli(
  args: readonly string[],
  out: Out,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  if (args.includes('--help')) {
    out(USAGE);
    return 0;
  }
  const bootIndex = args.indexOf('--boot-ms');
  const bootMs = bootIndex === -1 ? 0 : Number(args[bootIndex + 1]);
  if (!Number.isFinite(bootMs) || bootMs < 0) {
    out('--boot-ms needs a number of milliseconds, e.g. --boot-ms 1500');
    return 2;
  }
  const path =
    args.find((a, i) => !a.startsWith('--') && (bootIndex === -1 || i !== bootIndex + 1)) ?? '/tmp/rvm-controller';
  if (!path.startsWith('/')) {
    out(`"${path}" is not an absolute path; try /tmp/rvm-controller`);
    return 2;
  }
  let pty;
  try {
    pty = await startPtyController(path, bootMs);
  } catch (error) {
    out(`cannot start the simulated controller: ${(error as Error).message}`);
    return 1;
  }
  const sim = pty.simulator;
  // Ctrl-C or a service stop ends the PTY pair with us (socat would otherwise outlive the simulator).
  const onSignal = () => void pty.stop().then(() => process.exit(0));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  out(`reference controller on ${path} (set hardware.serialPath to it); "help" lists what you can do`);
  const lines = createInterface({ input });
  for await (const line of lines) {
    const [word = '', arg] = line.trim().split(/\s+/);
    if (word === 'quit' || word === 'exit') break;
    if (word === 'jam') {
      const code = (arg ?? 'door_jammed') as ErrorCode;
      if (!(code in ERROR_CODES)) out(`unknown code "${code}"; one of ${Object.keys(ERROR_CODES).join(', ')}`);
      else sim.refuse = code;
    } else if (word === 'clear') sim.clear();
    else if (word === 'hang') sim.silent = true;
    else if (word === 'answer') sim.silent = false;
    else if (word === 'bin' && Number.isFinite(Number(arg))) {
      sim.binPercent = Math.min(100, Math.max(0, Number(arg)));
      sim.report();
    } else if (word === 'weight' && arg !== undefined) {
      sim.weightG = arg === 'none' ? null : Math.max(0, Number(arg) || 0);
      sim.report();
    } else if (word === 'reboot') sim.reboot();
    else if (word === 'unplug') await pty.unplug();
    else if (word === 'plug') await pty.plug(bootMs);
    else if (word === 'status') {
      out(JSON.stringify({ binPercent: sim.binPercent, weightG: sim.weightG, door: sim.door, fault: sim.fault }));
      out(`commands received: ${sim.received.join(' ') || 'none'}`);
    } else if (word) out(USAGE);
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await pty.stop();
  return 0;
}

if (process.argv[1]?.endsWith('controller-sim-cli.js')) {
  process.exitCode = await runControllerSimCli(process.argv.slice(2), (line) => console.log(line));
}
