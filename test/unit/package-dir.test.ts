// The package as electron-builder makes it (`--dir`), with a stand-in Electron distribution (no Electron
// binary can be had here: a dummy executable carrying the fuse wire is enough for electron-builder and
// @electron/fuses). Checks what the kiosk would get: the payload budget, no development files, x86-64
// natives that load, a worker that detects, and the command entry that answers.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/kernel/clock';
import { createLogger } from '../../src-main/log/logger';
import { InferenceSupervisor } from '../../src-main/vision/inference.supervisor';
import { forkLauncher } from '../../src-main/vision/worker-host';
import { tempDir } from '../support/test-core';

/** The app's payload without Electron itself (resources/: the asar, its unpacked natives, extra files). */
const PAYLOAD_BUDGET_MB = 85;
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const work = tempDir('rvm-pack-');
const out = join(work.dir, 'out');
const app = join(out, 'linux-unpacked');
const resources = join(app, 'resources');
const extracted = join(work.dir, 'app');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** ELF e_machine (offset 18): 0x3e is x86-64, 0xb7 aarch64. */
function elfMachine(file: string): number | null {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(20);
    readSync(fd, head, 0, 20, 0);
    return head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) ? head.readUInt16LE(18) : null;
  } finally {
    closeSync(fd);
  }
}

beforeAll(() => {
  if (!existsSync('dist/main/electron-main.js')) throw new Error('dist/ is missing: run "npm run build" first');
  // The stand-in distribution: a script as the binary, with a fuse wire of 9 fuses, and locales.
  const dist = join(work.dir, 'electron-dist');
  mkdirSync(join(dist, 'locales'), { recursive: true });
  writeFileSync(
    join(dist, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho stand-in\n'),
      Buffer.from(FUSE_SENTINEL),
      Buffer.from([1, 9]),
      Buffer.from('111111111'),
    ]),
  );
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'chrome-sandbox'), '');
  for (const locale of ['en-US', 'id', 'de', 'fr', 'ja']) writeFileSync(join(dist, 'locales', `${locale}.pak`), 'pak');
  execFileSync(
    process.execPath,
    [
      'node_modules/electron-builder/cli.js',
      '--linux',
      '--dir',
      '--x64',
      `-c.electronDist=${dist}`,
      `-c.directories.output=${out}`,
    ],
    { stdio: 'pipe', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
  );
  // What Electron would read: the asar with its unpacked files beside, merged into one tree.
  const asar = createRequire(import.meta.url)('@electron/asar') as { extractAll(archive: string, dest: string): void };
  asar.extractAll(join(resources, 'app.asar'), extracted);
}, 240_000);
afterAll(() => work.cleanup());

describe('the packaged app (electron-builder --dir, x64)', () => {
  it(`fits the payload budget of ${PAYLOAD_BUDGET_MB} MB and carries no development files`, () => {
    const files = walk(resources);
    const mb = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024 / 1024;
    console.log(`packaged app payload (resources/, without Electron): ${mb.toFixed(1)} MB`);
    expect(mb).toBeLessThanOrEqual(PAYLOAD_BUDGET_MB);
    const asarFiles = walk(extracted).map((f) => relative(extracted, f));
    const dev = [...files.map((f) => relative(resources, f)), ...asarFiles].filter((f) =>
      /\.(map|ts|mts|cts|c|cc|cpp|h|hpp|gyp|gypi)$|(^|\/)(deps|test|tests)\//.test(f),
    );
    expect(dev).toEqual([]);
    // Only the kiosk's own runtime files from dist/, and only native modules in node_modules.
    expect(asarFiles.filter((f) => f.startsWith('dist/main/'))).toEqual(
      expect.arrayContaining(['dist/main/electron-main.js', 'dist/main/inference-worker.js']),
    );
    expect(asarFiles.some((f) => /dist\/main\/(headless|.*-cli)\.js$/.test(f))).toBe(false);
    const modules = new Set(
      asarFiles
        .filter((f) => f.startsWith('node_modules/'))
        .map((f) =>
          f
            .split('/')
            .slice(1, f.includes('/@') ? 3 : 2)
            .join('/'),
        ),
    );
    for (const bundled of ['zod', 'ky', 'ws', 'pusher-js', 'prom-client', 'systeminformation'])
      expect(modules).not.toContain(bundled);
  });

  it('ships only the UI languages, the icon-ready manifest example and flipped fuses', () => {
    expect(readdirSync(join(app, 'locales')).sort()).toEqual(['en-US.pak', 'id.pak']);
    expect(JSON.parse(readFileSync(join(resources, 'models', 'manifest.example.json'), 'utf8'))).toBeTypeOf('object');
    const binary = readFileSync(join(app, 'rvm-kiosk'));
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    // Wire order: RunAsNode, CookieEncryption, NODE_OPTIONS, inspect, asar integrity, only-from-asar, …
    expect(binary.subarray(at + 2, at + 2 + 6).toString()).toBe('010011');
  });

  it('has only x86-64 native code', () => {
    const natives = walk(resources).filter((f) => /\.node$|\.so(\.\d+)*$/.test(f));
    expect(natives.length).toBeGreaterThanOrEqual(4);
    for (const file of natives)
      expect({ file: relative(resources, file), machine: elfMachine(file) }).toEqual({
        file: relative(resources, file),
        machine: 0x3e,
      });
  });

  it('loads every native module from the package tree under the project’s Node', () => {
    const script = `
      const { createRequire } = require('node:module');
      const req = createRequire(${JSON.stringify(join(extracted, 'package.json'))});
      const Database = req('better-sqlite3');
      const db = new Database(':memory:');
      const one = db.prepare('SELECT 1 AS one').get().one;
      const ort = req('onnxruntime-node');
      const sharp = req('sharp');
      const { SerialPort } = req('serialport');
      console.log(JSON.stringify({ one, ort: typeof ort.InferenceSession.create, sharp: typeof sharp, serial: typeof SerialPort }));`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expect(JSON.parse(result.stdout)).toEqual({ one: 1, ort: 'function', sharp: 'function', serial: 'function' });
  });

  it('runs the packaged inference worker: the bus in bus.jpg is found', async () => {
    const supervisor = new InferenceSupervisor({
      launch: forkLauncher(join(extracted, 'dist', 'main', 'inference-worker.js')),
      load: { model: join('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx'), conf: 0.25, iou: 0.45, threads: 1 },
      clock: systemClock,
      logger: createLogger({ level: 'error', maxFileMb: 1, console: false }),
    });
    try {
      await supervisor.start();
      const bus = readFileSync(join('..', 'shared', 'images', 'coco', 'bus.jpg'));
      const { detections } = await supervisor.detect({ kind: 'encoded', data: new Uint8Array(bus) });
      expect(detections.map((d) => d.name)).toContain('bus');
    } finally {
      supervisor.stop();
    }
  }, 90_000);

  it('answers "rvm-kiosk help" from the packaged main entry (an Electron stand-in that only exits)', () => {
    // The packaged main runs commands before any window; only app.exit of Electron is touched.
    const stub = join(extracted, 'node_modules', 'electron');
    mkdirSync(stub, { recursive: true });
    writeFileSync(join(stub, 'package.json'), '{"name":"electron","main":"index.js"}');
    writeFileSync(join(stub, 'index.js'), 'exports.app = { exit: (code) => process.exit(code) };');
    // Packaged Electron's argv is [exe, …args]; under Node, defaultApp makes the entry skip the script path.
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'data:text/javascript,process.defaultApp=true',
        join(extracted, 'dist', 'main', 'electron-main.js'),
        'help',
      ],
      { encoding: 'utf8', cwd: extracted },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/usage: rvm-kiosk <command>/);
    for (const command of ['maintenance', 'backup', 'store', 'platform', 'detect'])
      expect(result.stdout).toContain(`  ${command} `);
  });
});
