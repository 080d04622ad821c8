import { writeSync } from 'node:fs';
import type { App } from 'electron';
import { runCliCommand, type findCliCommand } from '../cli/commands';

/**
 * A technician command inside the Electron binary: no window, no single-instance lock (the kiosk
 * itself is running), output on stdout, the command's exit code as the process's. The launcher
 * (/usr/bin/rvm-kiosk) starts it with --ozone-platform=headless so it needs no display.
 */
export async function runCliInElectron(
  app: Pick<App, 'exit'>,
  command: NonNullable<ReturnType<typeof findCliCommand>>,
  out: (line: string) => void = (line) => writeSync(1, `${line}\n`),
): Promise<number> {
  let code: number;
  try {
    code = await runCliCommand(command, out);
  } catch (error) {
    out(`rvm-kiosk ${command.name} failed: ${(error as Error).message}`);
    code = 1;
  }
  app.exit(code);
  return code;
}
