// Runs a TypeScript benchmark: bundles it with esbuild (dependencies stay external) into a temp
// folder and runs it with this Node. Usage: node test/bench/run.mjs test/bench/x.bench.ts [args]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node test/bench/run.mjs <bench.ts> [args]');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// Inside the project, so the bundle's imports resolve from its node_modules (ESM ignores NODE_PATH).
mkdirSync('node_modules/.cache', { recursive: true });
const dir = mkdtempSync(join('node_modules/.cache', 'rvm-bench-'));
const outfile = join(dir, 'bench.mjs');
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  external: ['electron', ...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)],
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
