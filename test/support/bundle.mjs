// Bundles a TypeScript entry into a runnable .mjs for a child process or a benchmark. Packages stay
// external and resolve from the project's node_modules, where the bundle is written (ESM ignores
// NODE_PATH). Shared by test/bench/run.mjs and the fault tests.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundleForNode(entry) {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  mkdirSync('node_modules/.cache', { recursive: true });
  const outfile = join(mkdtempSync(join('node_modules/.cache', 'rvm-bundle-')), 'bundle.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: ['electron', ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})],
    logLevel: 'warning',
  });
  return outfile;
}
