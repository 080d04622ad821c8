import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SetupCamera } from '../../src-preload/contract';
import { PlatformDouble } from '../../test/platform-double/double';
import { FakeClock } from '../../test/support/fake-clock';
import { tempDir } from '../../test/support/test-core';
import { loadConfig } from '../config/config.loader';
import type { CallContext } from '../kernel/contract-types';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import { requestPathOf, SETUP_CODE_THROTTLE, SetupService } from './setup.service';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

/** A setup service over a fresh data folder; `config` is written to its config.json first. */
function setup(config?: Record<string, unknown>) {
  const t = tempDir('rvm-setup-');
  dirs.push(t);
  if (config) writeFileSync(join(t.dir, 'config.json'), JSON.stringify(config));
  mkdirSync(join(t.dir, 'dev'));
  writeFileSync(join(t.dir, 'dev', 'video3'), '');
  const clock = new FakeClock();
  const lines: string[] = [];
  const logger: Logger = {
    error: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    info: (m) => lines.push(m),
    debug: () => {},
    scope: () => logger,
  };
  const service = new SetupService({
    dataDir: t.dir,
    loaded: loadConfig(t.dir, {}),
    clock,
    logger,
    appVersion: '0.0.0',
    restart: undefined,
    devDir: join(t.dir, 'dev'),
  });
  service.start();
  const codes = () => [...lines.join('\n').matchAll(/setup code (\d{4}) (\d{4})/g)].map((m) => `${m[1]}${m[2]}`);
  const handlers = service.handlers();
  const unlock = (code: string, client = 'ws:1', transport: 'ws' | 'ipc' = 'ws') => {
    try {
      return handlers.unlock({ code }, { client, transport } as CallContext);
    } catch (error) {
      if (error instanceof AppFailure) return error.code;
      throw error;
    }
  };
  return { dir: t.dir, service, clock, lines, codes, unlock };
}

describe('setup code throttling', () => {
  it('many screens share one budget over WebSocket; wrong guesses never replace the code', () => {
    const { codes, unlock, clock, lines } = setup();
    const [code] = codes();
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const answers = Array.from({ length: 100 }, (_, i) => unlock(wrong, `ws:${i}`));
    expect(answers.filter((a) => a === 'FORBIDDEN')).toHaveLength(SETUP_CODE_THROTTLE.globalBurst);
    expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(100 - SETUP_CODE_THROTTLE.globalBurst);
    expect(codes()).toEqual([code]);
    // One line for the first wrong code and one for the first throttled guess; the rest are counts.
    expect(lines.filter((l) => l.includes('wrong setup code'))).toHaveLength(1);
    clock.advance(60_000);
    expect(lines.some((l) => /setup code guesses over the rate limit: \d+ more in the last 60 s/.test(l))).toBe(true);
    // The budget refills at its rate; the real code then opens setup.
    expect(unlock(code!, 'ws:installer')).toEqual({ unlocked: true });
  });

  it('one screen is held to its own rate; the kiosk touchscreen (IPC) is not held by WebSocket guessing', () => {
    const { codes, unlock } = setup();
    const [code] = codes();
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const one = Array.from({ length: 6 }, () => unlock(wrong, 'ws:1'));
    expect(one.filter((a) => a === 'FORBIDDEN')).toHaveLength(SETUP_CODE_THROTTLE.perScreenBurst);
    for (let i = 0; i < 50; i++) unlock(wrong, `ws:attacker-${i}`);
    expect(unlock(code!, 'ipc:1', 'ipc')).toEqual({ unlocked: true });
  });

  it('a code lives 24 h, then a new one is printed; screens already unlocked stay unlocked', () => {
    const { codes, unlock, clock, service } = setup();
    const [first] = codes();
    expect(unlock(first!, 'ws:1')).toEqual({ unlocked: true });
    clock.advance(SETUP_CODE_THROTTLE.lifetimeMs);
    const all = codes();
    expect(all).toHaveLength(2);
    expect(service.handlers().status(undefined, { client: 'ws:1', transport: 'ws' } as CallContext)).toMatchObject({
      unlocked: true,
    });
    if (all[1] !== first) expect(unlock(first!, 'ws:2')).toBe('FORBIDDEN');
    expect(unlock(all[1]!, 'ws:2')).toEqual({ unlocked: true });
    service.stop();
  });
});

describe('the camera setup saves', () => {
  let double: PlatformDouble;
  beforeAll(async () => {
    double = await new PlatformDouble().start();
  });
  afterAll(() => double.close());

  const SCREEN = { client: 'ws:1', transport: 'ws' } as CallContext;

  /** A machine with a model to choose, unlocked on screen ws:1. */
  function unlocked(config?: Record<string, unknown>) {
    const s = setup(config);
    mkdirSync(join(s.dir, 'models'));
    writeFileSync(join(s.dir, 'models', 'model.onnx'), '');
    const manifest = join(s.dir, 'models', 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ model: 'model.onnx', classes: { bottle: { material: 'pet' } } }));
    expect(s.unlock(s.codes()[0]!)).toEqual({ unlocked: true });
    const handlers = s.service.handlers();
    const complete = async (camera: SetupCamera) => {
      try {
        return await handlers.complete(
          {
            platform: {
              profile: 'v2',
              baseUrl: double.url,
              rvmId: double.o.rvmId,
              email: double.o.email,
              password: double.o.password,
            },
            camera,
            manifest,
            timezone: 'Asia/Makassar',
            technician: { name: 'Rina', pin: '135790' },
          },
          SCREEN,
        );
      } catch (error) {
        // The request value at fault (for the screen's field) after an @.
        if (error instanceof AppFailure) return `${error.code} ${error.message} @${error.detail.path?.join('.') ?? ''}`;
        throw error;
      }
    };
    const saved = () =>
      JSON.parse(readFileSync(join(s.dir, 'config.json'), 'utf8')) as {
        vision: Record<string, unknown>;
        [section: string]: Record<string, unknown>;
      };
    return { ...s, handlers, complete, saved, options: async () => handlers.options(undefined, SCREEN) };
  }

  it('a replay camera configured before setup, kept by the technician, survives unchanged with every other section', async () => {
    const replay = { kind: 'replay', folder: '', fps: 2, loop: false };
    const m = unlocked();
    replay.folder = join(m.dir, 'replay');
    mkdirSync(replay.folder);
    const before = {
      machine: { name: 'RVM Pasar Baru', id: 'RVM07' },
      log: { level: 'debug' },
      vision: { enabled: true, threads: 2, region: { x: 0.1, y: 0.1, w: 0.8, h: 0.8 }, camera: replay },
      platform: { timeoutMs: 5000 },
    };
    writeFileSync(join(m.dir, 'config.json'), JSON.stringify(before));
    const offered = await m.options();
    expect(offered.camera).toEqual({ kind: 'replay', folder: replay.folder });
    expect(offered.cameras).toEqual(['/dev/video3']);

    expect(await m.complete(offered.camera!)).toEqual({ restarting: false });
    const after = m.saved();
    expect(after.vision).toEqual({ ...before.vision, manifest: join(m.dir, 'models', 'manifest.json') });
    expect(after.machine).toEqual(before.machine);
    expect(after.log).toEqual(before.log);
    expect(after.platform).toMatchObject({ timeoutMs: 5000, profile: 'v2', v2: { timezone: 'Asia/Makassar' } });
    expect(Object.keys(after).sort()).toEqual(['log', 'machine', 'maintenance', 'platform', 'vision']);
    expect(m.lines.at(-1)).toContain(`camera replay ${replay.folder}`);
  });

  it('an RTSP address saves a stream camera; the log never has its password, and a kept address keeps it', async () => {
    const m = unlocked({ vision: { camera: { kind: 'v4l2', device: '/dev/video1', fps: 10 } } });
    const url = 'rtsp://admin:s3cret-pw@10.0.0.9:554/stream1';
    expect(await m.complete({ kind: 'stream', url })).toEqual({ restarting: false });
    expect(m.saved().vision.camera).toEqual({ kind: 'stream', url });
    const log = m.lines.join('\n');
    expect(log).not.toContain('s3cret-pw');
    expect(log).toContain('camera stream rtsp://10.0.0.9:554/stream1');

    // A machine with this camera configured: the screen gets the address without its user and
    // password, and sending it back unchanged keeps the configured one.
    const again = unlocked({ vision: m.saved().vision });
    const offered = (await again.options()).camera;
    expect(offered).toEqual({ kind: 'stream', url: 'rtsp://10.0.0.9:554/stream1' });
    expect(await again.complete(offered!)).toEqual({ restarting: false });
    expect(again.saved().vision.camera).toEqual({ kind: 'stream', url });
  });

  it('a device choice keeps the size, fps and input format of the configured USB camera', async () => {
    const camera = { kind: 'v4l2', device: '/dev/video0', width: 640, height: 480, fps: 10, inputFormat: 'yuyv422' };
    const m = unlocked({ vision: { camera } });
    expect((await m.options()).camera).toEqual({ kind: 'v4l2', device: '/dev/video0' });
    expect(await m.complete({ kind: 'v4l2', device: '/dev/video3' })).toEqual({ restarting: false });
    expect(m.saved().vision.camera).toEqual({ ...camera, device: '/dev/video3' });
  });

  it('another kind replaces the camera whole; with none configured the screen is offered none', async () => {
    const m = unlocked();
    expect((await m.options()).camera).toBeNull();
    writeFileSync(
      join(m.dir, 'config.json'),
      JSON.stringify({ vision: { camera: { kind: 'v4l2', device: '/dev/video0', width: 640 } } }),
    );
    expect(await m.complete({ kind: 'stream', url: 'http://camera.local/mjpeg' })).toEqual({ restarting: false });
    expect(m.saved().vision.camera).toEqual({ kind: 'stream', url: 'http://camera.local/mjpeg' });
  });

  it('refuses a bad camera naming the field, and saves nothing', async () => {
    const m = unlocked();
    for (const url of ['camera.local/stream', 'ftp://camera.local/x', 'rtsp://']) {
      expect(await m.complete({ kind: 'stream', url })).toMatch(
        /^BAD_REQUEST vision\.camera\.url: not a stream address.* @camera\.url$/,
      );
    }
    expect(await m.complete({ kind: 'replay', folder: join(m.dir, 'nowhere') })).toMatch(
      /^BAD_REQUEST vision\.camera\.folder: .*nowhere is not a folder.* @camera\.folder$/,
    );
    expect(await m.complete({ kind: 'v4l2', device: 'video0' })).toMatch(
      /^BAD_REQUEST vision\.camera\.device: .* @camera\.device$/,
    );
    expect(() => m.saved()).toThrow(/ENOENT/);
  });
});

describe('a refusal names the field it concerns', () => {
  it('a connection test names its place in its own request, the platform entered', async () => {
    const s = setup();
    s.unlock(s.codes()[0]!);
    const test = async (credentialsJson: string) => {
      try {
        return await s.service
          .handlers()
          .testConnection({ profile: 'v1', baseUrl: 'http://127.0.0.1:9', credentialsJson }, {
            client: 'ws:1',
            transport: 'ws',
          } as CallContext);
      } catch (error) {
        if (error instanceof AppFailure) return `${error.code} @${JSON.stringify(error.detail.path)}`;
        throw error;
      }
    };
    // As the screen sent it ({"profile", "baseUrl", "credentialsJson"}): no "platform" before it.
    expect(await test('{"serial_number": ')).toBe('BAD_REQUEST @["credentialsJson"]');
    expect(await test('{"serial_number": "S1"}')).toBe('BAD_REQUEST @["credentialsJson"]');
    s.service.stop();
  });

  it('maps config.json paths to the setup request, and leaves the rest unnamed', () => {
    expect(requestPathOf(['platform', 'baseUrl'])).toEqual(['platform', 'baseUrl']);
    expect(requestPathOf(['platform', 'v2', 'email'])).toEqual(['platform', 'email']);
    expect(requestPathOf(['platform', 'v2', 'timezone'])).toEqual(['timezone']);
    expect(requestPathOf(['vision', 'camera', 'url'])).toEqual(['camera', 'url']);
    expect(requestPathOf(['vision', 'manifest'])).toEqual(['manifest']);
    expect(requestPathOf(['maintenance', 'technicians', 0, 'name'])).toEqual(['technician', 'name']);
    expect(requestPathOf(['log', 'level'])).toBeUndefined();
  });
});
