import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { loadManifest } from './model-manifest';
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

  it('says what a folder lacks', () => {
    const s = setup(GOOD);
    expect(s.run('install', join(s.pkg, '..')).text()).toMatch(/has no manifest\.json/);
    expect(s.run('rollback')).toMatchObject({ code: 1 });
    expect(s.run('nonsense').code).toBe(2);
  });
});
