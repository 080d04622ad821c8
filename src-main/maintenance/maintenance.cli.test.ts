import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.loader';
import { callAs, makeTestCore, tempDir } from '../../test/support/test-core';
import { runMaintenanceCli } from './maintenance.cli';
import { verifyPin } from './pin-hash';

describe('npm run maintenance', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  const run = async (argv: string[], dataDir: string, pin = '') => {
    const lines: string[] = [];
    const code = await runMaintenanceCli(
      argv,
      (l) => lines.push(l),
      async () => pin,
      { RVM_DATA_DIR: dataDir },
    );
    return { code, text: lines.join('\n') };
  };

  it('hashes a PIN, refuses anything but 6 digits, and saves a technician the kiosk then accepts', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const hashed = await run(['hash-pin'], t.dir, '975310');
    expect(hashed.code).toBe(0);
    expect(await verifyPin('975310', hashed.text)).toBe(true);
    expect(await verifyPin('975311', hashed.text)).toBe(false);
    expect(await run(['hash-pin'], t.dir, '12345')).toMatchObject({
      code: 1,
      text: expect.stringContaining('6 digits'),
    });

    expect(await run(['add-technician', 'Sari', 'view_status', 'fly'], t.dir, '975310')).toMatchObject({
      code: 2,
      text: expect.stringContaining('unknown permission fly'),
    });
    expect(await run(['add-technician', 'Sari', 'view_status'], t.dir, '975310')).toMatchObject({ code: 0 });
    // The file holds the hash, never the PIN, and a valid config the kiosk loads.
    expect(readFileSync(join(t.dir, 'config.json'), 'utf8')).not.toContain('975310');
    const [sari] = loadConfig(t.dir, {}).config.maintenance.technicians;
    expect(sari).toMatchObject({ name: 'Sari', permissions: ['view_status'] });
    expect(await verifyPin('975310', sari!.pinHash)).toBe(true);
  });

  it('adds a technician whether the remote token is in the shell, the service environment or neither', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const remote = {
      host: '10.8.0.12',
      allowCidrs: ['10.8.0.0/24'],
      tls: { certFile: '/etc/rvm-kiosk/tls/kiosk.crt', keyFile: '/etc/rvm-kiosk/tls/kiosk.key' },
    };
    writeFileSync(join(t.dir, 'config.json'), JSON.stringify({ remote }));
    const token = 'k'.repeat(40);
    const withToken = async (env: NodeJS.ProcessEnv) => {
      const lines: string[] = [];
      const code = await runMaintenanceCli(
        ['add-technician', 'Sari'],
        (l) => lines.push(l),
        async () => '975310',
        {
          RVM_DATA_DIR: t.dir,
          ...env,
        },
      );
      return { code, text: lines.join('\n') };
    };
    // The token lives in /etc/rvm-kiosk/environment, which a technician's shell does not have.
    expect(await withToken({})).toMatchObject({ code: 0 });
    expect(await withToken({ RVM_REMOTE__TOKEN: token })).toMatchObject({ code: 0 });
    const file = readFileSync(join(t.dir, 'config.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(JSON.parse(file)).toMatchObject({ remote, maintenance: { technicians: [{ name: 'Sari' }] } });
    // Anything else wrong is still refused, naming the key, and nothing is written.
    writeFileSync(join(t.dir, 'config.json'), JSON.stringify({ remote: { ...remote, port: -1 } }));
    expect(await withToken({})).toMatchObject({ code: 1, text: expect.stringContaining('remote.port') });
    expect(readFileSync(join(t.dir, 'config.json'), 'utf8')).not.toContain('Sari');
  });

  it('prints the audit log and reopens a locked pad', async () => {
    const { TECHNICIAN, technicianEnv } = await import('../../test/support/technician');
    const env = makeTestCore(technicianEnv());
    cleanup = env.dispose;
    const call = callAs(env.core);
    for (let i = 0; i < 5; i++) await call('maintenance.unlock', { pin: '000000' });
    expect(await call('maintenance.pad')).toMatchObject({ value: { remainingAttempts: 0 } });
    const audit = await run(['audit', '3'], env.dir);
    expect(audit.text.split('\n')).toHaveLength(3);
    expect(audit.text).toContain('maintenance.unlock  → refused: wrong PIN, pad locked for 15 min');
    expect(await run(['reset-lockout'], env.dir)).toMatchObject({ code: 0 });
    expect(await call('maintenance.unlock', { pin: TECHNICIAN.pin })).toMatchObject({ value: { granted: true } });
  });

  it('says there is no database yet in a data folder the kiosk never used', async () => {
    const t = tempDir('rvm-fresh-');
    cleanup = t.cleanup;
    for (const command of ['audit', 'reset-lockout']) {
      const { code, text } = await run([command], t.dir);
      expect(code).toBe(1);
      expect(text).toBe(
        `no database yet at ${join(t.dir, 'rvm.db')} — has the kiosk run here? Start it once (npm run serve, or systemctl start rvm-kiosk), or set RVM_DATA_DIR to the kiosk's data folder`,
      );
    }
  });
});
