import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { renamedModel } from '../../test/support/renamed-model';
import { loadManifest } from './model-manifest';
import { embeddedManifest } from './model-package';
import { readOnnxMetadata, writeOnnxMetadata } from './onnx-metadata';
import { runModelCli } from './model.cli';
import { activeModel } from './vision.module';

const MODEL = resolve('..', 'shared', 'models', 'yolov8n-det-int8-320.onnx');
const SHA = createHash('sha256').update(readFileSync(MODEL)).digest('hex');
const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

/** A package on a "drive" and a kiosk data folder that runs an older manifest. */
function setup(manifest: Record<string, unknown>) {
  const t = tempDir('rvm-package-');
  dirs.push(t);
  const pkg = join(t.dir, 'usb', 'chamber-v4');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(MODEL, join(pkg, 'chamber.onnx'));
  writeFileSync(join(pkg, 'manifest.json'), JSON.stringify({ model: 'chamber.onnx', ...manifest }));
  const data = join(t.dir, 'data');
  mkdirSync(join(data, 'models'), { recursive: true });
  writeFileSync(join(data, 'models', 'manifest.json'), JSON.stringify({ model: MODEL, classes: {} }));
  const lines: string[] = [];
  const run = (...args: string[]) => {
    lines.length = 0;
    return { code: runModelCli(args, (l) => lines.push(l), { RVM_DATA_DIR: data }), text: () => lines.join('\n') };
  };
  return { pkg, data, run };
}

const GOOD = {
  version: 'chamber-v4',
  sha256: SHA,
  classes: { bottle: { material: 'pet' }, person: { reject: 'reject_class' } },
  labels: { bottle: { id: 'Botol plastik', en: 'Plastic bottle' } },
};

describe('model packages', () => {
  it('install from a drive: checked, copied, made current with its own rules and labels; rollback goes back', () => {
    const s = setup(GOOD);
    const install = s.run('install', s.pkg);
    expect(install.code).toBe(0);
    expect(install.text()).toMatch(/installed model chamber-v4 \(80 classes\)/);
    const active = activeModel(s.data)!;
    expect(active.manifest).toBe(join(s.data, 'models', 'packages', 'chamber-v4', 'manifest.json'));
    expect(active.previous).toBe(join(s.data, 'models', 'manifest.json'));
    const installed = loadManifest(active.manifest);
    expect(installed.classes).toEqual(GOOD.classes);
    expect(installed.labels.bottle).toEqual({ id: 'Botol plastik', en: 'Plastic bottle' });
    expect(readFileSync(installed.modelPath).equals(readFileSync(MODEL))).toBe(true);
    expect(s.run('status').text()).toMatch(
      /running: .*packages\/chamber-v4\/manifest\.json\nprevious \(rollback\): .*models\/manifest\.json/,
    );
    expect(s.run('rollback').code).toBe(0);
    expect(activeModel(s.data)!.manifest).toBe(join(s.data, 'models', 'manifest.json'));
  });

  it.each([
    [
      'a model that is not the one the manifest hashes',
      { ...GOOD, sha256: 'a'.repeat(64) },
      /does not match its manifest's sha256/,
    ],
    ['no hash to check the copy against', { ...GOOD, sha256: undefined }, /has no "sha256" of its model/],
    [
      'classes the model does not have',
      { ...GOOD, classes: { mineral: { material: 'pet' } } },
      /names classes the model does not have: mineral/,
    ],
    [
      'labels for classes the model does not have',
      { ...GOOD, labels: { soda: { id: 'Soda', en: 'Soda' } } },
      /names classes the model does not have: soda/,
    ],
  ])('refuses %s, changing nothing', (_what, manifest, reason) => {
    const s = setup(manifest);
    const install = s.run('install', s.pkg);
    expect(install.code).toBe(1);
    expect(install.text()).toMatch(/^not installed, nothing changed: /);
    expect(install.text()).toMatch(reason);
    expect(activeModel(s.data)).toBeUndefined();
    expect(existsSync(join(s.data, 'models', 'packages'))).toBe(false);
  });

  it('packs a package into one ONNX file that carries its manifest, for an update over the air', () => {
    // A retrained model: class 5 (COCO "bus") is now "mineral", class 0 ("person") is "hand".
    const s = setup({});
    writeFileSync(join(s.pkg, 'chamber.onnx'), renamedModel(MODEL, { 0: 'hand', 5: 'mineral' }));
    const manifest = {
      model: 'chamber.onnx',
      version: 'chamber-v5',
      sha256: createHash('sha256')
        .update(readFileSync(join(s.pkg, 'chamber.onnx')))
        .digest('hex'),
      classes: { mineral: { material: 'pet', shape: { aspect: [1.2, 5] } }, hand: { reject: 'reject_class' } },
      labels: { mineral: { id: 'Botol air mineral', en: 'Mineral water bottle' } },
    };
    writeFileSync(join(s.pkg, 'manifest.json'), JSON.stringify(manifest));
    const out = join(s.data, 'chamber-v5.onnx');
    const packed = s.run('pack', s.pkg, out);
    expect(packed.code).toBe(0);
    const bytes = readFileSync(out);
    expect(packed.text()).toContain(`sha256: ${createHash('sha256').update(bytes).digest('hex')}`);
    // The graph and names are the model's; the manifest rides in its metadata, without file name or hash.
    const meta = readOnnxMetadata(bytes);
    expect(meta.names).toMatch(/^\{0: 'hand', 1: 'bicycle', .*5: 'mineral'/);
    expect(embeddedManifest(bytes, out)).toEqual({
      version: 'chamber-v5',
      classes: manifest.classes,
      labels: manifest.labels,
    });
    expect(embeddedManifest(readFileSync(MODEL), MODEL)).toBeUndefined();
    // A carried manifest that names classes the model lacks is refused, naming them.
    const wrong = writeOnnxMetadata(bytes, {
      rvm_manifest: JSON.stringify({ classes: { soda: { material: 'pet' } } }),
    });
    expect(() => embeddedManifest(wrong, 'm.onnx')).toThrow(
      /m\.onnx carries a manifest naming classes it does not have: soda/,
    );
    expect(() => embeddedManifest(writeOnnxMetadata(bytes, { rvm_manifest: '{' }), 'm.onnx')).toThrow(/not JSON/);
    expect(s.run('pack', s.pkg).code).toBe(2);
  });

  it('says what a folder lacks', () => {
    const s = setup(GOOD);
    expect(s.run('install', join(s.pkg, '..')).text()).toMatch(/has no manifest\.json/);
    expect(s.run('rollback')).toMatchObject({ code: 1 });
    expect(s.run('nonsense').code).toBe(2);
  });
});
