import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformDouble } from '../../test/platform-double/double';
import { renamedModel } from '../../test/support/renamed-model';
import { useWorkerLauncher } from '../../test/support/worker-launcher';
import { tempDir } from '../../test/support/test-core';
import { loadConfig } from '../config/config.loader';
import { KioskCore } from './kiosk-core';
import { createLogger } from '../log/logger';
import { packModel } from '../vision/model-package';
import { parseSha256 } from '../vision/model-updater';
import { activeModel } from '../vision/vision.module';

const MODEL_640 = resolve('..', 'shared', 'models', 'yolov8n-det-int8-640.onnx');
const MODEL_320 = resolve('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const CHAMBER = resolve('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const BUS = resolve('..', 'shared', 'images', 'coco', 'bus.jpg');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const launcher = useWorkerLauncher();

let double: PlatformDouble;
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A kiosk running MODEL_640 as version "1", linked (v1) to a double whose handshake names `aiModel`. */
async function kiosk(aiModel: (d: PlatformDouble) => PlatformDouble['aiModel']) {
  double = await new PlatformDouble().start();
  cleanups.push(() => double.close());
  double.aiModel = aiModel(double);
  const t = tempDir('rvm-model-update-');
  cleanups.push(t.cleanup);
  const frames = join(t.dir, 'frames');
  mkdirSync(frames);
  copyFileSync(CHAMBER, join(frames, '000.jpg'));
  mkdirSync(join(t.dir, 'models'));
  const classes = { bottle: { material: 'pet' }, toothbrush: { material: 'pet' } };
  writeFileSync(join(t.dir, 'models', 'manifest.json'), JSON.stringify({ model: MODEL_640, version: '1', classes }));
  const credentials = { serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Model update RVM' };
  writeFileSync(join(t.dir, 'rvm-credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
  const core = new KioskCore({
    dataDir: t.dir,
    loaded: loadConfig(t.dir, {
      RVM_PLATFORM__PROFILE: 'v1',
      RVM_PLATFORM__BASE_URL: double.url,
      RVM_VISION__CAMERA: JSON.stringify({ kind: 'replay', folder: frames, fps: 2, loop: true }),
    }),
    logger,
    runtime: { runtime: 'headless', electronVersion: null },
    visionLauncher: launcher(),
  });
  cleanups.push(() => core.stop());
  core.start();
  return { core, dir: t.dir };
}

const settled = (core: KioskCore) => ['installed', 'refused'].includes(core.models?.status.state ?? '');

describe('model updates from the v1 handshake', () => {
  it('downloads the platform model, checks its SHA-256, swaps it in once it loads, and can roll back', async () => {
    const bytes = readFileSync(MODEL_320);
    const { core, dir } = await kiosk((d) => ({
      target_version: '2',
      hash: `sha256:${sha256(bytes).toUpperCase()}`,
      update_source_url: d.serveFile('/storage/models/yolov8n-320.onnx', bytes),
    }));
    await expect.poll(() => settled(core), { timeout: 30_000 }).toBe(true);
    expect(core.models!.status).toMatchObject({ state: 'installed', version: '2' });
    expect(core.vision!.modelVersion).toBe('2');
    expect(core.vision!.supervisor!.state).toBe('ready');
    expect(core.vision!.supervisor!.info!.imgsz).toEqual([320, 320]);
    const updated = join(dir, 'models', 'updates', '2');
    expect(readFileSync(join(updated, 'model.onnx')).equals(bytes)).toBe(true);
    // The class rules carry over from the running manifest.
    expect(JSON.parse(readFileSync(join(updated, 'manifest.json'), 'utf8'))).toMatchObject({
      model: 'model.onnx',
      version: '2',
      classes: { bottle: { material: 'pet' } },
    });
    expect(activeModel(dir)).toEqual({
      manifest: join(updated, 'manifest.json'),
      previous: join(dir, 'models', 'manifest.json'),
      rolledBack: [],
    });
    // Fetched from the platform's update_source_url.
    expect(double.log.some((e) => e.path === '/storage/models/yolov8n-320.onnx' && e.status === 200)).toBe(true);

    expect(await core.models!.rollback()).toBe(join(dir, 'models', 'manifest.json'));
    expect(core.vision!.modelVersion).toBe('1');
    expect(core.vision!.supervisor!.info!.imgsz).toEqual([640, 640]);
    expect(activeModel(dir)).toMatchObject({ previous: join(updated, 'manifest.json'), rolledBack: ['2'] });
    // The platform still names version 2: a technician's rollback is not undone by the next handshake.
    await core.models!.offer({
      version: '2',
      sha256: sha256(bytes),
      url: `${double.url}/storage/models/yolov8n-320.onnx`,
    });
    expect(core.vision!.modelVersion).toBe('1');
  }, 60_000);

  /** The fixture renamed as a chamber model's (class 5 "mineral", class 0 "hand") with `rules` packed inside. */
  function packed(rules: Record<string, unknown>): Buffer {
    const t = tempDir('rvm-packed-');
    cleanups.push(t.cleanup);
    const renamed = renamedModel(MODEL_320, { 0: 'hand', 5: 'mineral' });
    writeFileSync(join(t.dir, 'chamber.onnx'), renamed);
    writeFileSync(
      join(t.dir, 'manifest.json'),
      JSON.stringify({ model: 'chamber.onnx', sha256: sha256(Buffer.from(renamed)), ...rules }),
    );
    return Buffer.from(packModel(t.dir).bytes);
  }

  it('installs a retrained model that brings its own classes and rules (packed), and uses them', async () => {
    const rules = {
      classes: { mineral: { material: 'pet' }, hand: { reject: 'reject_class' } },
      labels: { mineral: { id: 'Botol air mineral', en: 'Mineral water bottle' } },
    };
    const bytes = packed(rules);
    const { core, dir } = await kiosk((d) => ({
      target_version: '5',
      hash: sha256(bytes),
      update_source_url: d.serveFile('/storage/models/chamber-v5.onnx', bytes),
    }));
    await expect.poll(() => settled(core), { timeout: 30_000 }).toBe(true);
    expect(core.models!.status).toMatchObject({ state: 'installed', version: '5' });
    // Its own rules replace the running model's (which named bottle and toothbrush, classes it lacks).
    expect(JSON.parse(readFileSync(join(dir, 'models', 'updates', '5', 'manifest.json'), 'utf8'))).toEqual({
      ...rules,
      model: 'model.onnx',
      version: '5',
    });
    expect(core.vision!.supervisor!.info!.names).toContain('mineral');
    const found = await core.vision!.supervisor!.detect({ kind: 'encoded', data: new Uint8Array(readFileSync(BUS)) });
    expect(new Set(found.detections.map((d) => d.name))).toEqual(new Set(['mineral', 'hand']));
  }, 60_000);

  it('refuses a packed model whose rules accept a material nobody priced; the old model keeps running', async () => {
    const bytes = packed({ classes: { mineral: { material: 'glass' } } });
    const { core } = await kiosk((d) => ({
      target_version: '6',
      hash: sha256(bytes),
      update_source_url: d.serveFile('/storage/models/chamber-v6.onnx', bytes),
    }));
    await expect.poll(() => settled(core), { timeout: 30_000 }).toBe(true);
    expect(core.models!.status).toMatchObject({ state: 'refused', version: '6' });
    expect(JSON.stringify(core.models!.status)).toMatch(/accepts glass, which deposit\.materials does not price/);
    expect(core.vision!.modelVersion).toBe('1');
  }, 60_000);

  it('refuses a download whose SHA-256 does not match; the old model keeps running', async () => {
    const bytes = readFileSync(MODEL_320);
    const { core, dir } = await kiosk((d) => ({
      target_version: '3',
      hash: sha256(Buffer.from('a different file')),
      update_source_url: d.serveFile('/storage/models/tampered.onnx', bytes),
    }));
    await expect.poll(() => settled(core), { timeout: 30_000 }).toBe(true);
    expect(core.models!.status).toMatchObject({ state: 'refused', version: '3' });
    expect(JSON.stringify(core.models!.status)).toMatch(
      /SHA-256 mismatch: the platform says [0-9a-f]{64}, the download is/,
    );
    await expect.poll(() => core.vision!.supervisor?.state, { timeout: 20_000 }).toBe('ready');
    expect(core.vision!.modelVersion).toBe('1');
    expect(existsSync(join(dir, 'models', 'updates', '3', 'model.onnx'))).toBe(false);
    expect(activeModel(dir)).toBeUndefined();
  }, 60_000);

  it('refuses a file with the right hash that does not load as a model; the old model keeps running', async () => {
    const junk = readFileSync(MODEL_320).subarray(0, 40_000);
    const { core, dir } = await kiosk((d) => ({
      target_version: '4',
      hash: sha256(junk),
      update_source_url: d.serveFile('/storage/models/truncated.onnx', junk),
    }));
    await expect.poll(() => settled(core), { timeout: 30_000 }).toBe(true);
    expect(core.models!.status).toMatchObject({ state: 'refused', version: '4' });
    expect(JSON.stringify(core.models!.status)).toMatch(/the new model does not load/);
    expect(core.vision!.modelVersion).toBe('1');
    expect(core.vision!.supervisor!.state).toBe('ready');
    expect(activeModel(dir)).toBeUndefined();
    const health = await core.router.dispatch('app.health', undefined, { transport: 'ws', client: 't' });
    expect(JSON.stringify(health)).not.toMatch(/vision|detector/i);
  }, 60_000);
});

describe('parseSha256', () => {
  it('accepts hex with or without a sha256: prefix, in any case, and nothing else', () => {
    const hex = 'ab'.repeat(32);
    expect(parseSha256(hex)).toBe(hex);
    expect(parseSha256(`sha256:${hex.toUpperCase()}`)).toBe(hex);
    expect(parseSha256('md5:abc')).toBeNull();
    expect(parseSha256('ab'.repeat(31))).toBeNull();
  });
});
