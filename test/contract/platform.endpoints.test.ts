import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformHttp } from '../../src-main/platform/http';
import type { DeliveryContext, HealthSnapshot } from '../../src-main/platform/profile';
import { V1Profile } from '../../src-main/platform/v1.profile';
import { V2Profile } from '../../src-main/platform/v2.profile';
import { PlatformDouble } from '../platform-double/double';
import { ITEM, SESSION, itemJob, refusal, sessionJob } from './platform-fixtures';

// Every endpoint the profiles use, against the double, with the refusals the contract names
// (401/403/404/422/429). Delivery through the real store is covered by platform.outbox/v2 tests.

const health: HealthSnapshot = {
  cpuPercent: 12,
  memoryPercent: 40,
  diskPercent: 55,
  temperatureC: 48,
  binLevelPercent: 30,
  uptimeS: 120.4,
  depositsSinceStart: 3,
  appVersion: '0.1.0',
  modelVersion: 'yolov8n-320',
  cameras: [{ id: 'chamber', path: '/dev/video0', name: 'chamber (v4l2)', status: 'active' }],
  alerts: [
    { rule: 'disk_warning', title: 'Disk above 90 %', severity: 'warning', value: 93, firedAt: 1_700_000_000_000 },
  ],
};

const session = SESSION;
const item = ITEM;

/** A JPEG-sized stand-in for the frame; `empty` gives the server nothing to store. */
function context(image = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), progress: unknown[] = []): DeliveryContext {
  return {
    session: (id) => (id === 'S1' ? session : undefined),
    acceptedItems: () => [item],
    saveProgress: (_job, p) => progress.push(structuredClone(p)),
    image: () => Promise.resolve(image),
    platformSession: async (id) => (id === 'S1' ? session.platformSession : null),
  };
}

let double: PlatformDouble;
beforeEach(async () => {
  double = await new PlatformDouble().start();
});
afterEach(() => double.close());

describe('v1 endpoints', () => {
  function v1(apiKey = double.o.apiKey) {
    const http = new PlatformHttp({ baseUrl: double.url, timeoutMs: 2000, headers: () => profile.headers() });
    const profile: V1Profile = new V1Profile({
      http,
      credentials: { serial_number: double.o.serial, api_key: apiKey, name: 'Contract RVM' },
      appVersion: '0.1.0',
      timezone: 'Asia/Jakarta',
      now: () => Date.now(),
    });
    return profile;
  }

  it('handshake: identity and live channel; 401 for a wrong key, 403 for a blocked machine', async () => {
    const profile = v1();
    await profile.connect();
    expect(profile.connected).toBe(true);
    expect(profile.live()).toEqual({ url: double.url.replace('http:', 'ws:'), channel: `rvm.${double.rvmUuid}` });

    const wrong = await refusal(v1('x'.repeat(64)).connect());
    expect([wrong.status, wrong.isAuth, wrong.message]).toEqual([
      401,
      true,
      expect.stringContaining('Invalid API key'),
    ]);
    double.faults.blocked = true;
    const blocked = await refusal(v1().connect());
    expect([blocked.status, blocked.isAuth]).toEqual([403, true]);
    expect(blocked.details.body).toMatchObject({ error_code: 'MACHINE_BLOCKED' });
  });

  it('heartbeat: metrics, bin level and cameras sent, commands returned; 403 without a technician', async () => {
    const profile = v1();
    await profile.connect();
    double.command('RESTART');
    double.command('GIT_PULL');
    expect((await profile.heartbeat(health)).map((c) => c.action)).toEqual(['RESTART', 'GIT_PULL']);
    expect(double.heartbeats[0]).toMatchObject({
      hardware_id: double.o.serial,
      status: 'online',
      bin_capacity: 30,
      health_metrics: { cpu_usage_percent: 12, memory_usage_percent: 40, disk_usage_percent: 55, cpu_temperature: 48 },
      discovery: { cameras: [{ id: 'chamber', path: '/dev/video0', name: 'chamber (v4l2)', status: 'active' }] },
      // Active alerts ride along as diagnostics.
      diagnostics: {
        alerts: [
          { rule: 'disk_warning', severity: 'warning', value: 93, fired_at: new Date(1_700_000_000_000).toISOString() },
        ],
      },
    });
    double.faults.noTechnician = true;
    expect((await refusal(profile.heartbeat(health))).status).toBe(403);
  });

  it('deposit: multipart image + data with the idempotency key; 422 with field messages for an empty image', async () => {
    const profile = v1();
    await profile.connect();
    await profile.deliver(itemJob(item, 'item:I1'), context());
    expect(double.deposits).toHaveLength(1);
    expect(double.deposits[0]).toMatchObject({
      key: 'item:I1',
      body: {
        status: 'ACCEPTED',
        data: { session_id: 'sess_1', material: 'pet', idempotency_key: 'item:I1', is_accepted: true, weight_g: 24 },
      },
    });
    // The same key again: the double answers the first result and records nothing new.
    await profile.deliver(itemJob(item, 'item:I1'), context());
    expect(double.deposits).toHaveLength(1);

    const error = await refusal(profile.deliver(itemJob(item, 'item:I2'), context(new Uint8Array())));
    expect(error.status).toBe(422);
    expect(error.details.fieldErrors).toEqual({ image: ['The image field is required.'] });
    expect(error.message).toContain('image: The image field is required.');
    expect(error.isTransient).toBe(false);
  });

  it('sync-offline: the session credit as one transaction', async () => {
    const profile = v1();
    await profile.connect();
    await profile.deliver(sessionJob(SESSION, 'session:S1'), context());
    expect(double.syncs[0]).toMatchObject({
      key: 'session:S1',
      body: {
        transactions: [
          {
            items: [{ type: 'pet', weight: 0.024, points: 10 }],
            timestamp: '2026-11-20T10:01:00.000Z',
            member_id: '501',
            platform_session: 'sess_1',
          },
        ],
      },
    });
  });

  it('session token and status: pending, then claimed by the phone; 404 for an unknown token', async () => {
    const profile = v1();
    await profile.connect();
    const qr = await profile.createQr();
    expect(qr.content).toBe(`myrvm://session/${qr.token}?m=${double.rvmUuid}`);
    expect(qr.expiresAt).toBeGreaterThan(Date.now() + 290_000);
    expect(await profile.qrStatus(qr.token)).toEqual({ status: 'pending' });
    double.claim(qr.token, { id: 8, name: 'Dewi' });
    expect(await profile.qrStatus(qr.token)).toEqual({
      status: 'claimed',
      member: { memberId: '8', name: 'Dewi' },
      platformSession: expect.stringMatching(/^sess_/),
    });
    expect((await refusal(profile.qrStatus('f'.repeat(64)))).status).toBe(404);
  });

  it('technician PIN: accepted, wrong (attempts left), locked after five; a malformed PIN is never sent', async () => {
    const profile = v1();
    await profile.connect();
    expect(await profile.checkPin('246810')).toMatchObject({ ok: true, technician: 'Agus (technician)' });
    expect(await profile.checkPin('000000')).toEqual({ ok: false, reason: 'wrong_pin', remainingAttempts: 4 });
    for (let i = 0; i < 4; i++) await profile.checkPin('000000');
    expect(await profile.checkPin('246810')).toEqual({ ok: false, reason: 'locked', retryAfterS: 3600 });
    const sent = double.log.length;
    const error = await refusal(profile.checkPin('123'));
    expect(error.kind).toBe('bad-request');
    expect(error.message).toContain('a PIN is exactly 6 characters');
    expect(double.log).toHaveLength(sent);
  });

  it('maintenance status and kiosk config', async () => {
    const profile = v1();
    await profile.connect();
    expect(await profile.maintenanceStatus()).toMatchObject({ machine: { name: 'Double RVM', status: 'online' } });
    expect(await profile.kioskConfig()).toMatchObject({ machine_name: 'Double RVM', qr_refresh_interval: 300 });
  });

  it('429 carries Retry-After and counts as passing', async () => {
    const profile = v1();
    await profile.connect();
    Object.assign(double.faults, { rateLimit: 1, retryAfterS: 7 });
    const error = await refusal(profile.heartbeat(health));
    expect([error.status, error.details.retryAfterMs, error.isTransient]).toEqual([429, 7000, true]);
  });
});

describe('v2 endpoints', () => {
  function v2(o: { password?: string; apiKey?: string } = {}) {
    const http = new PlatformHttp({ baseUrl: double.url, timeoutMs: 2000, headers: () => profile.headers() });
    const profile: V2Profile = new V2Profile({
      http,
      rvmId: double.o.rvmId,
      email: double.o.email,
      password: o.password ?? double.o.password,
      apiKey: o.apiKey ?? double.o.machineApiKey,
      deviceName: 'Contract RVM',
      appVersion: '0.1.0',
      timezone: 'Asia/Jakarta',
      wasteTypes: { pet: 'plastic' },
      typicalWeightG: () => 25,
      live: null,
      modelVersion: () => 'yolov8n-320',
      now: () => Date.now(),
    });
    return profile;
  }

  it('login + self claim + timezone sync; 401 for a wrong password or machine key', async () => {
    const profile = v2();
    await profile.connect();
    expect(double.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/v2/auth/login 200',
      'POST /api/v2/rvm/self/claim 200',
      'POST /api/v2/timezone/sync 200',
    ]);
    expect(double.timezoneSyncs).toEqual([
      expect.objectContaining({ sync_method: 'automatic', timezone: 'Asia/Jakarta' }),
    ]);
    await profile.syncTimezone('manual');
    expect(double.timezoneSyncs.at(-1)).toMatchObject({ sync_method: 'manual', device_id: `rvm-${double.o.rvmId}` });

    const login = await refusal(v2({ password: 'wrong-password' }).connect());
    expect([login.status, login.message]).toEqual([401, expect.stringContaining('Invalid credentials')]);
    const claim = await refusal(v2({ apiKey: 'not-the-key' }).connect());
    expect(claim.status).toBe(401);
  });

  it('reports a segmentation model’s outline of the item as segmentation_mask', async () => {
    const profile = v2();
    await profile.connect();
    const outline: Array<[number, number]> = [
      [10, 20],
      [110, 20],
      [110, 220],
      [10, 220],
    ];
    await profile.deliver(itemJob({ ...item, mask: outline }, 'item:M1'), context());
    expect(double.detections.at(-1)).toMatchObject({
      detections: [{ class: 'pet_bottle', bbox: [10, 20, 110, 220], segmentation_mask: outline }],
    });
  });

  it('a deposit in four recorded steps: upload (file), deposit, process, detection result', async () => {
    const profile = v2();
    await profile.connect();
    const steps: unknown[] = [];
    await profile.deliver(itemJob(item, 'item:I1'), context(undefined, steps));
    expect(double.uploads).toEqual([
      { path: 'uploads/1.jpg', size: 4, type: 'image/jpeg', metadata: expect.objectContaining({ item_id: 'I1' }) },
    ]);
    expect([...double.v2Deposits.values()]).toEqual([
      expect.objectContaining({
        status: 'completed',
        reward: 10,
        body: expect.objectContaining({ waste_type: 'plastic', weight: 0.024, quantity: 1, rvm_id: double.o.rvmId }),
      }),
    ]);
    expect(double.detections).toEqual([
      expect.objectContaining({
        image_path: 'uploads/1.jpg',
        model_version: 'yolov8n-320',
        detections: [{ class: 'pet_bottle', confidence: 0.91, bbox: [10, 20, 110, 220], segmentation_mask: null }],
      }),
    ]);
    expect(steps).toEqual([
      { filePath: 'uploads/1.jpg' },
      { filePath: 'uploads/1.jpg', depositId: 1 },
      { filePath: 'uploads/1.jpg', depositId: 1, processed: true },
    ]);
    // Resumed from recorded progress: only the missing step is sent.
    const before = double.log.length;
    await profile.deliver({ ...itemJob(item, 'item:I1'), progress: steps[2] }, context());
    expect(double.log.slice(before).map((r) => r.path)).toEqual(['/api/v2/detection-results']);
  });

  it('422 from deposits names the field; an unmapped material is refused before sending', async () => {
    const profile = v2();
    await profile.connect();
    double.forceValidationError = { field: 'weight', message: 'The weight field must be at least 0.001.' };
    const error = await refusal(profile.deliver(itemJob(item, 'item:I3'), context()));
    expect([error.status, error.details.fieldErrors]).toEqual([
      422,
      { weight: ['The weight field must be at least 0.001.'] },
    ]);
    const sent = double.log.length;
    const unmapped = await refusal(profile.deliver(itemJob({ ...item, material: 'tetra' }, 'item:I4'), context()));
    expect([unmapped.kind, unmapped.message]).toEqual([
      'bad-request',
      expect.stringContaining('platform.v2.wasteTypes'),
    ]);
    // The upload went (it comes first); no deposit was attempted.
    expect(double.log.slice(sent).map((r) => r.path)).toEqual(['/api/v2/upload']);
  });

  it('QR session create/status; 404 for an unknown token', async () => {
    const profile = v2();
    await profile.connect();
    const qr = await profile.createQr();
    expect(qr.content).toBe(qr.token);
    expect(await profile.qrStatus(qr.token)).toEqual({ status: 'pending' });
    double.claim(qr.token, { id: 9, name: 'Rudi' });
    expect(await profile.qrStatus(qr.token)).toEqual({
      status: 'claimed',
      member: { memberId: '9', name: 'Rudi' },
      platformSession: qr.token,
    });
    expect((await refusal(profile.qrStatus('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('nested metrics, RVM status, processing engine registered once then pinged (404 → again)', async () => {
    const profile = v2();
    await profile.connect();
    await profile.heartbeat(health);
    expect(double.metrics[0]).toMatchObject({
      system_metrics: { cpu_usage: 12, memory_usage: 40, disk_usage: 55, temperature: 48 },
      application_metrics: {
        software_version: '0.1.0',
        uptime_seconds: 120,
        deposit_count_since_restart: 3,
        // The active alerts: one warning, no critical.
        error_count: 0,
        warning_count: 1,
      },
    });
    expect(await profile.machineStatus()).toEqual({ name: 'Double RVM', status: 'active' });
    const spec = { name: 'RVM 7 detector', type: 'jetson_edge' as const, serverAddress: '10.0.0.7', port: 8001 };
    const id = await profile.registerEngine(spec, undefined);
    expect(await profile.registerEngine(spec, id)).toBe(id);
    expect(double.engines.get(Number(id))).toMatchObject({ pings: 1, body: { server_address: '10.0.0.7' } });
    const again = await profile.registerEngine(spec, 99);
    expect(again).not.toBe(id);
    expect(double.engines.size).toBe(2);
    const bad = await refusal(profile.registerEngine({ ...spec, serverAddress: 'kiosk.local' }, undefined));
    expect(bad.kind).toBe('bad-request');
  });
});
