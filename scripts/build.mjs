// Builds everything `npm start` and `npm run serve` need: main (ESM), preload (one CommonJS file,
// as a sandboxed preload must be) and the renderer (Vite).
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Only native modules stay in node_modules (package.json "dependencies" lists exactly those, so the
// package carries nothing else); every pure-JS library is bundled into main and the worker, which
// also keeps Electron from loading ESM out of the asar. electron comes from the runtime itself; ws's
// optional native helpers are not installed (ws falls back to JavaScript).
const external = ['electron', ...Object.keys(pkg.dependencies ?? {}), 'bufferutil', 'utf-8-validate'];
// CommonJS libraries bundled into ESM call require() for Node's built-ins.
const requireShim =
  "import { createRequire as __rvmCreateRequire } from 'node:module'; const require = __rvmCreateRequire(import.meta.url);";
const started = performance.now();

rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });

await Promise.all([
  esbuild({
    entryPoints: {
      'electron-main': 'src-main/electron/main.ts',
      headless: 'src-main/remote/headless.main.ts',
      'store-cli': 'src-main/store/store.cli.ts',
      'detect-cli': 'src-main/vision/detect.cli.ts',
      'platform-cli': 'src-main/platform/platform.cli.ts',
      'maintenance-cli': 'src-main/maintenance/maintenance.cli.ts',
      'backup-cli': 'src-main/backup/backup.cli.ts',
      'voucher-cli': 'src-main/payout/voucher.cli.ts',
      'dataset-cli': 'src-main/dataset/dataset.cli.ts',
      'model-cli': 'src-main/vision/model.cli.ts',
      'controller-sim-cli': 'src-main/hardware/controller-sim.cli.ts',
      'inference-worker': 'src-main/vision/inference-worker.ts',
      'barcode-worker': 'src-main/vision/barcode-worker.ts',
    },
    outdir: 'dist/main',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: true,
    external,
    banner: { js: requireShim },
    logLevel: 'warning',
  }),
  esbuild({
    entryPoints: { preload: 'src-preload/preload.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    external: ['electron'],
    // Loaded into every page before it runs: small is fast.
    minify: true,
    logLevel: 'warning',
  }),
  // --main: command-line tools need no renderer; skip the slowest step.
  process.argv.includes('--main') ? Promise.resolve() : viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' }),
]);
// zxing-cpp's WebAssembly beside the barcode worker that loads it (the package itself is bundled, not shipped).
copyFileSync('node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', 'dist/main/zxing_reader.wasm');
console.error(`build: dist/ ready in ${Math.round(performance.now() - started)} ms`);
