// Runs a TypeScript benchmark with this Node: node test/bench/run.mjs test/bench/x.bench.ts [args]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { bundleForNode } from '../support/bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node test/bench/run.mjs <bench.ts> [args]');
  process.exit(2);
}
const bundle = await bundleForNode(entry);
const child = spawn(process.execPath, [bundle, ...args], { stdio: 'inherit' });
// A SIGTERM or SIGINT to this runner (npm passes them on) reaches the benchmark, which ends as it
// would on its own; the runner waits for it, so nothing is left running.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const [code, signal] = await once(child, 'exit');
rmSync(dirname(bundle), { recursive: true, force: true });
process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
