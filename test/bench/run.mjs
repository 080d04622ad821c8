// Runs a TypeScript benchmark with this Node: node test/bench/run.mjs test/bench/x.bench.ts [args]
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleForNode } from '../support/bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node test/bench/run.mjs <bench.ts> [args]');
  process.exit(2);
}
const bundle = await bundleForNode(entry);
const result = spawnSync(process.execPath, [bundle, ...args], { stdio: 'inherit' });
rmSync(dirname(bundle), { recursive: true, force: true });
process.exit(result.status ?? 1);
