import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry into a runnable .mjs for a child process (packages stay external and
 * resolve from the project's node_modules, where the bundle is written).
 */
export async function bundleForNode(entry: string): Promise<string> {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string>>;
  mkdirSync('node_modules/.cache', { recursive: true });
  const outfile = join(mkdtempSync(join('node_modules/.cache', 'rvm-child-')), 'child.mjs');
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
