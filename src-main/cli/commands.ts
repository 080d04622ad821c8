/**
 * The technician commands, one table for both forms: `npm run <command> -- …` on a development
 * machine (each has its own entry file) and `rvm-kiosk <command> …` on an installed kiosk, where the
 * Electron binary runs the command in its main process without a window (the deb has no Node, and
 * the runAsNode fuse is off). Each resolves to an exit code.
 */
export type Out = (line: string) => void;

export const CLI_COMMANDS = {
  maintenance: {
    summary: 'technician PINs, the audit log, reopen a locked PIN pad',
    run: async (args: readonly string[], out: Out) => {
      const m = await import('../maintenance/maintenance.cli');
      return m.runMaintenanceCli(args, out, m.readPinFromStdin);
    },
  },
  backup: {
    summary: 'encrypted backups: create, list, verify, restore',
    run: async (args: readonly string[], out: Out) => (await import('../backup/backup.cli')).runBackupCli(args, out),
  },
  store: {
    summary: 'the local store: sessions, items, outbox backlog; issued vouchers',
    run: async (args: readonly string[], out: Out) => (await import('../store/store.cli')).runStoreCli(args, out),
  },
  model: {
    summary: 'the chamber model: status, install a model package from a drive, roll back',
    run: async (args: readonly string[], out: Out) => (await import('../vision/model.cli')).runModelCli(args, out),
  },
  dataset: {
    summary: 'training data kept on this machine: stats; export as a YOLO dataset',
    run: async (args: readonly string[], out: Out) => (await import('../dataset/dataset.cli')).runDatasetCli(args, out),
  },
  voucher: {
    summary: 'vouchers at the till: public key, verify, redeem once, list, CSV export',
    run: async (args: readonly string[], out: Out) => (await import('../payout/voucher.cli')).runVoucherCli(args, out),
  },
  platform: {
    summary: 'test the platform connection; import rvm-credentials.json',
    run: async (args: readonly string[], out: Out) =>
      (await import('../platform/platform.cli')).runPlatformCli(args, out),
  },
  'controller-sim': {
    summary: 'a simulated machine controller on a pseudo-terminal (protocol 1), to try the kiosk without one',
    run: async (args: readonly string[], out: Out) =>
      (await import('../hardware/controller-sim.cli')).runControllerSimCli(args, out),
  },
  detect: {
    summary: 'one image through the kiosk’s detector',
    run: async (args: readonly string[], out: Out) => (await import('../vision/detect.cli')).runDetectCli(args, out),
  },
} as const satisfies Record<string, { summary: string; run: (args: readonly string[], out: Out) => Promise<number> }>;

export type CliCommandName = keyof typeof CLI_COMMANDS;

export const CLI_USAGE = `usage: rvm-kiosk <command> [arguments]   (on an installed kiosk; on a development machine: npm run <command> -- …)
${Object.entries(CLI_COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
  .join('\n')}
  help           this list; "rvm-kiosk <command> --help" for a command's own
Run as the kiosk user so files stay its own: sudo -u rvm-kiosk rvm-kiosk <command> …
Without a command, rvm-kiosk starts the kiosk itself (systemd does that: systemctl start rvm-kiosk).`;

/**
 * The command in an Electron command line, if any: the first argument that is not a switch (the
 * launcher puts Chromium switches such as --ozone-platform=headless before it). `firstArg` skips the
 * executable (and, for `electron .`, the app path).
 */
export function findCliCommand(
  argv: readonly string[],
  firstArg: number,
): { name: CliCommandName | 'help' | 'unknown'; args: string[] } | undefined {
  const rest = argv.slice(firstArg);
  const index = rest.findIndex((a) => !a.startsWith('-'));
  if (index === -1) return rest.includes('--help') ? { name: 'help', args: [] } : undefined;
  const word = rest[index]!;
  if (word === 'help') return { name: 'help', args: [] };
  // A typo must not start a second kiosk: anything else is answered with the list.
  if (!Object.hasOwn(CLI_COMMANDS, word)) return { name: 'unknown', args: [word] };
  return { name: word as CliCommandName, args: rest.slice(index + 1) };
}

export async function runCliCommand(
  command: { name: CliCommandName | 'help' | 'unknown'; args: readonly string[] },
  out: Out,
): Promise<number> {
  if (command.name === 'help' || command.name === 'unknown') {
    if (command.name === 'unknown') out(`unknown command "${command.args[0]}"`);
    out(CLI_USAGE);
    return command.name === 'help' ? 0 : 2;
  }
  return CLI_COMMANDS[command.name].run(command.args, out);
}
