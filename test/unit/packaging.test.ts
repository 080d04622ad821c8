import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it('sets the fuses that stop the packaged app being used as a Node runtime or debug target', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into an asar with native addons unpacked and other platforms of onnxruntime left out', () => {
    expect(config.asar).toBe(true);
    const unpack = config.asarUnpack as string[];
    for (const mod of ['better-sqlite3', 'onnxruntime-node', 'sharp']) {
      expect(
        unpack.some((p) => p.includes(mod)),
        mod,
      ).toBe(true);
    }
    const files = config.files as string[];
    expect(files).toEqual(expect.arrayContaining(['!**/node_modules/onnxruntime-node/bin/napi-v*/darwin/**']));
    expect(files).toEqual(expect.arrayContaining(['!**/node_modules/onnxruntime-node/bin/napi-v*/win32/**']));
    expect(config.npmRebuild).toBe(false);
  });

  it('points at the built main entry and pins every dependency exactly', () => {
    expect(pkg.main).toBe('dist/main/electron-main.js');
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pkg.devDependencies.node).toMatch(/^24\./);
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
  });
});
