import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { ConfigError, envKeyToPath, LAST_GOOD_FILE, loadConfig, redactConfig, saveConfig } from './config.loader';

const dirs: Array<{ cleanup(): void }> = [];
function folder(config?: unknown): string {
  const t = tempDir('rvm-config-');
  dirs.push(t);
  if (config !== undefined) {
    writeFileSync(join(t.dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  }
  return t.dir;
}
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function loadError(dir: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadConfig(dir, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to refuse');
}

describe('loadConfig', () => {
  it('starts on defaults when there is no file, and writes none', () => {
    const dir = folder();
    const loaded = loadConfig(dir, {});
    expect(loaded.loadedFromFile).toBe(false);
    expect(loaded.config.environment).toBe('production');
    expect(loaded.config.remote).toMatchObject({ host: '127.0.0.1', port: 8787, allowCidrs: [] });
    expect(loaded.config.machine.defaultLocale).toBe('id');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads the file and lets RVM_* variables override it, typed by the schema', () => {
    const dir = folder({ machine: { name: 'Indomaret Sudirman' }, remote: { port: 9000 } });
    const loaded = loadConfig(dir, {
      RVM_REMOTE__PORT: '9100',
      RVM_ENVIRONMENT: 'staging',
      RVM_HEARTBEAT__INTERVAL_MS: '500',
      RVM_DATA_DIR: '/ignored/here',
    });
    expect(loaded.config.machine.name).toBe('Indomaret Sudirman');
    expect(loaded.config.remote.port).toBe(9100);
    expect(loaded.config.environment).toBe('staging');
    expect(loaded.config.heartbeat.intervalMs).toBe(500);
    expect([...loaded.overriddenByEnv].sort()).toEqual(['environment', 'heartbeat.intervalMs', 'remote.port']);
  });

  it('refuses a corrupt file, says where, and leaves the file exactly as it was', () => {
    const corrupt = '{ "machine": { "name": "RVM-7" }, ';
    const dir = folder(corrupt);
    const error = loadError(dir);
    expect(error.message).toContain(join(dir, 'config.json'));
    expect(error.message).toMatch(/not valid JSON/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(corrupt);
  });

  it('names the key, the value and the rule of an invalid value', () => {
    const dir = folder({ remote: { port: 70000 } });
    const error = loadError(dir);
    expect(error.problems).toEqual([
      expect.objectContaining({ key: 'remote.port', value: '70000', rule: expect.stringMatching(/65535/) }),
    ]);
    expect(error.message).toMatch(/remote\.port = 70000: .*65535/);
  });

  it('accepts IANA time zones and refuses abbreviations and offsets, naming the key', () => {
    for (const zone of ['Asia/Jakarta', 'Asia/Jayapura', 'UTC'])
      expect(loadConfig(folder({ platform: { v2: { timezone: zone } } }), {}).config.platform.v2.timezone).toBe(zone);
    for (const zone of ['WIB', '+07:00', 'Asia/Atlantis']) {
      const error = loadError(folder({ platform: { v2: { timezone: zone } } }));
      expect(error.message).toMatch(/platform\.v2\.timezone = .*must be an IANA time zone such as Asia\/Jakarta/);
    }
  });

  it('names the variable when an override is the invalid part', () => {
    const dir = folder();
    const error = loadError(dir, { RVM_REMOTE__PORT: 'eighty' });
    expect(error.problems[0]).toMatchObject({ key: 'remote.port', value: '"eighty"', source: 'RVM_REMOTE__PORT' });
    const typo = loadError(dir, { RVM_MACHINE__NAEM: 'x' });
    expect(typo.message).toMatch(/machine\.naem .*not a configuration key/);
  });

  it('rejects unknown keys in the file (a typo must not silently use a default)', () => {
    const error = loadError(folder({ machine: { nmae: 'RVM' } }));
    expect(error.problems[0]).toMatchObject({ key: 'machine.nmae', rule: 'is not a known configuration key' });
  });

  it('requires a token, an allow-list and TLS when remote access leaves loopback', () => {
    const error = loadError(folder({ remote: { host: '0.0.0.0' } }));
    expect(error.problems.map((p) => p.key).sort()).toEqual(['remote.allowCidrs', 'remote.tls', 'remote.token']);
    expect(error.message).toMatch(/remote\.tls.*set remote\.tls\.certFile and remote\.tls\.keyFile/);
    const bad = loadError(
      folder({
        remote: { host: '0.0.0.0', allowCidrs: ['10.8.0.0/33'], tls: { certFile: 'kiosk.crt', keyFile: '/k' } },
      }),
      { RVM_REMOTE__TOKEN: 'short' },
    );
    expect(bad.problems.map((p) => p.key).sort()).toEqual([
      'remote.allowCidrs.0',
      'remote.tls.certFile',
      'remote.token',
    ]);
    // The secret itself never appears in the message.
    expect(bad.message).not.toContain('"short"');
    const tls = { certFile: '/etc/rvm-kiosk/tls/kiosk.crt', keyFile: '/etc/rvm-kiosk/tls/kiosk.key' };
    const fine = loadConfig(folder({ remote: { host: '0.0.0.0', allowCidrs: ['10.8.0.0/24'], tls } }), {
      RVM_REMOTE__TOKEN: 't'.repeat(32),
    });
    expect(fine.config.remote).toMatchObject({ allowCidrs: ['10.8.0.0/24'], tls, plainHttp: false });
    // Plain HTTP beyond loopback only when the operator says so.
    const plain = loadConfig(folder({ remote: { host: '0.0.0.0', allowCidrs: ['10.8.0.0/24'], plainHttp: true } }), {
      RVM_REMOTE__TOKEN: 't'.repeat(32),
    });
    expect(plain.config.remote.tls).toBeUndefined();
  });

  it('rejects a malformed pricing table, naming the material and the rule', () => {
    const error = loadError(
      folder({
        deposit: { materials: { pet: { points: -5 }, 'Glass Bottle': { points: 3 } }, barcodePoints: { abc: 1 } },
      }),
    );
    const keys = error.problems.map((p) => p.key).sort();
    expect(error.problems.find((p) => p.key === 'deposit.barcodePoints.abc')?.rule).toMatch(/product numbers/);
    expect(keys).toEqual([
      'deposit.barcodePoints.abc',
      'deposit.materials.Glass Bottle',
      'deposit.materials.pet.points',
    ]);
    expect(error.message).toMatch(/deposit\.materials\.pet\.points = -5: .*>=0/);
    const empty = loadError(folder({ deposit: { materials: {} } }));
    expect(empty.problems[0]).toMatchObject({ key: 'deposit.materials', rule: 'must price at least one material' });
  });

  it('keys product codes by the number the barcode reader gives, however they are written', () => {
    const { config } = loadConfig(
      folder({
        deposit: { barcodePoints: { '036000291452': 20, '96385074': 5 } },
        vision: { eligibleBarcodes: { '08991002101234': 'pet', '8991002109999': 'aluminium' } },
      }),
      {},
    );
    expect(config.deposit.barcodePoints).toEqual({ '0036000291452': 20, '96385074': 5 });
    expect(config.vision.eligibleBarcodes).toEqual({ '8991002101234': 'pet', '8991002109999': 'aluminium' });
    const error = loadError(folder({ vision: { eligibleBarcodes: { '1234567': 'pet' } } }));
    expect(error.problems[0]).toMatchObject({ key: 'vision.eligibleBarcodes.1234567' });
    expect(error.message).toMatch(/keys are product numbers: EAN-8, UPC-A, EAN-13 or GTIN-14/);
  });

  it('keeps a copy of the last valid file and points to it when the file breaks', () => {
    const dir = folder({ machine: { name: 'RVM-OK' } });
    loadConfig(dir, {});
    const good = readFileSync(join(dir, LAST_GOOD_FILE), 'utf8');
    writeFileSync(join(dir, 'config.json'), '{"machine": {"name": ""}}');
    const error = loadError(dir);
    expect(error.message).toContain(join(dir, LAST_GOOD_FILE));
    expect(readFileSync(join(dir, LAST_GOOD_FILE), 'utf8')).toBe(good);
  });
});

describe('loadConfig for the kiosk itself (fallBackToLastGood)', () => {
  it('starts on the last good copy when config.json breaks, naming each bad key; changes no file', () => {
    const dir = folder({ machine: { name: 'RVM-OK' } });
    loadConfig(dir, {});
    const broken = '{"machine": {"name": ""}, "remote": {"port": -1}}';
    writeFileSync(join(dir, 'config.json'), broken);
    const loaded = loadConfig(dir, {}, { fallBackToLastGood: true });
    expect(loaded.config.machine.name).toBe('RVM-OK');
    expect(loaded.fallback?.usedFile).toBe(join(dir, LAST_GOOD_FILE));
    expect(loaded.fallback?.problems.map((p) => p.key).sort()).toEqual(['machine.name', 'remote.port']);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(broken);
    // The tools stay strict: they refuse the broken file.
    expect(() => loadConfig(dir, {})).toThrow(ConfigError);
  });

  it('refuses (exit 78) when there is no valid configuration at all', () => {
    const dir = folder({ remote: { port: -1 } });
    expect(() => loadConfig(dir, {}, { fallBackToLastGood: true })).toThrow(ConfigError);
    // A bad RVM_* variable breaks the last good copy too.
    const ok = folder({ machine: { name: 'RVM-OK' } });
    loadConfig(ok, {});
    writeFileSync(join(ok, 'config.json'), '{"machine": {"name": ""}}');
    expect(() => loadConfig(ok, { RVM_REMOTE__PORT: '-1' }, { fallBackToLastGood: true })).toThrow(ConfigError);
  });
});

describe('saveConfig', () => {
  it('writes a valid config atomically with mode 0600', () => {
    const dir = folder();
    const path = join(dir, 'config.json');
    saveConfig(path, { machine: { name: 'RVM-NEW' } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ machine: { name: 'RVM-NEW' } });
    expect((readdirSync(dir) as string[]).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(loadConfig(dir, {}).config.machine.name).toBe('RVM-NEW');
  });

  it('refuses an invalid config and keeps the previous file', () => {
    const dir = folder({ machine: { name: 'RVM-KEEP' } });
    const path = join(dir, 'config.json');
    const before = readFileSync(path, 'utf8');
    expect(() => saveConfig(path, { heartbeat: { intervalMs: 1 } })).toThrow(/heartbeat\.intervalMs = 1/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(existsSync(path)).toBe(true);
  });
});

describe('helpers', () => {
  it('maps variable names to config paths', () => {
    expect(envKeyToPath('RVM_REMOTE__ALLOW_CIDRS')).toEqual(['remote', 'allowCidrs']);
    expect(envKeyToPath('RVM_ENVIRONMENT')).toEqual(['environment']);
  });

  it('redacts secrets to whether they are set', () => {
    const loaded = loadConfig(folder(), { RVM_REMOTE__TOKEN: 's'.repeat(40) });
    expect(redactConfig(loaded.config)).toMatchObject({ remote: { token: '(set)' } });
    expect(JSON.stringify(redactConfig(loaded.config))).not.toContain('s'.repeat(40));
    expect(redactConfig(loadConfig(folder(), {}).config)).toMatchObject({ remote: { token: '(not set)' } });
  });
});
