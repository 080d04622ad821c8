import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { createLogger } from '../log/logger';
import { letterboxFor, letterboxRgb } from '../image/letterbox';
import sharp from 'sharp';
import { chamberWithCode } from '../../test/support/barcode-picture';
import type { CameraState, Frame, GreyFrame } from './camera';
import { FfmpegCamera } from './ffmpeg.camera';

const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

/** Two seconds of a still as an MJPEG-in-MP4 camera recording at 10 fps. */
const record = (still: string, video: string) =>
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-loop',
    '1',
    '-i',
    still,
    '-t',
    '2',
    '-r',
    '10',
    '-c:v',
    'mjpeg',
    '-q:v',
    '2',
    video,
  ]);

describe('ffmpeg camera (real ffmpeg reading a file)', () => {
  const t = tempDir('rvm-ffmpeg-');
  const video = join(t.dir, 'chamber.mp4');
  const cameras: FfmpegCamera[] = [];
  beforeAll(() => {
    // The chamber photo (864×480) as a camera recording.
    record(CHAMBER, video);
  });
  afterEach(() => cameras.splice(0).forEach((c) => c.stop()));
  afterAll(() => t.cleanup());

  it('delivers letterboxed RGB frames whose geometry matches the still-image path', async () => {
    const frames: Frame[] = [];
    const camera = new FfmpegCamera({ source: { kind: 'stream', url: video }, size: [320, 320], logger });
    cameras.push(camera);
    camera.start((f) => frames.push(f));
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const frame = frames[0]!;
    expect(camera.state).toBe('streaming');
    expect(frame.rgb).toHaveLength(320 * 320 * 3);
    expect(frame.letterbox).toEqual(letterboxFor(864, 480, [320, 320]));
    // Same pixels as sharp's letterbox of the photo, up to JPEG and resampling differences.
    const still = await letterboxRgb(CHAMBER, [320, 320]);
    let diff = 0;
    for (let i = 0; i < still.rgb.length; i++) diff += Math.abs(still.rgb[i]! - frame.rgb[i]!);
    expect(diff / still.rgb.length).toBeLessThan(6);
    // Padding rows are the letterbox grey.
    expect([...frame.rgb.subarray(0, 3)]).toEqual([114, 114, 114]);
  });

  it('gives the full picture in grey on a second output, a few times a second, beside the model frames', async () => {
    // A 720p recording of a small code turned 90° on the bottle: unreadable at 320, read at full size.
    const coded = join(t.dir, 'coded.mp4');
    const still = join(t.dir, 'coded.png');
    await (await chamberWithCode('ean13', '8991002101234', 90)).png().toFile(still);
    record(still, coded);
    const frames: Frame[] = [];
    const greys: GreyFrame[] = [];
    const camera = new FfmpegCamera({ source: { kind: 'stream', url: coded }, size: [320, 320], logger, greyFps: 4 });
    cameras.push(camera);
    camera.start(
      (f) => frames.push(f),
      // The camera reuses the grey buffer: keep a copy.
      (g) => greys.push({ ...g, grey: Uint8Array.from(g.grey) }),
    );
    await expect.poll(() => greys.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(greys[0]).toMatchObject({ width: 1280, height: 720 });
    expect(greys[0]!.grey).toHaveLength(1280 * 720);
    // Fewer grey pictures than model frames (4 against 10 a second).
    expect(frames.length).toBeGreaterThan(greys.length);
    // The picture itself, code and all, up to JPEG differences: what the barcode worker reads from.
    const { data } = await sharp(still).greyscale().raw().toBuffer({ resolveWithObject: true });
    let diff = 0;
    for (let i = 0; i < data.length; i++) diff += Math.abs(data[i]! - greys[1]!.grey[i]!);
    expect(diff / data.length).toBeLessThan(4);
    camera.stop();

    // With a chamber region, only that part of the picture: its right half here (the frame has no side bars).
    const cut: GreyFrame[] = [];
    const right = new FfmpegCamera({
      source: { kind: 'stream', url: coded },
      size: [320, 320],
      logger,
      greyRegion: { x: 0.5, y: 0, w: 0.5, h: 1 },
    });
    cameras.push(right);
    right.start(
      () => undefined,
      (g) => cut.push({ ...g, grey: Uint8Array.from(g.grey) }),
    );
    await expect.poll(() => cut.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(cut[1]).toMatchObject({ width: 640, height: 720 });
    const half = await sharp(still)
      .extract({ left: 640, top: 0, width: 640, height: 720 })
      .greyscale()
      .raw()
      .toBuffer();
    let halfDiff = 0;
    for (let i = 0; i < half.length; i++) halfDiff += Math.abs(half[i]! - cut[1]!.grey[i]!);
    expect(halfDiff / half.length).toBeLessThan(4);
  });

  it('reports a lost camera and recovers by itself when the source returns', async () => {
    const states: Array<[CameraState, string]> = [];
    const late = join(t.dir, 'late.mp4');
    const frames: Frame[] = [];
    const camera = new FfmpegCamera({
      source: { kind: 'stream', url: late },
      size: [320, 320],
      logger,
      maxBackoffMs: 500,
      onState: (s, r) => states.push([s, r]),
    });
    cameras.push(camera);
    camera.start((f) => frames.push(f));
    await expect.poll(() => camera.state).toBe('lost');
    expect(camera.reason).toMatch(/late\.mp4/);
    copyFileSync(video, late);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(camera.state).toBe('streaming');
  });

  it('names the package to install when ffmpeg is missing', async () => {
    const camera = new FfmpegCamera({
      source: { kind: 'v4l2', device: '/dev/video0', width: 1280, height: 720, fps: 30 },
      size: [320, 320],
      logger,
      ffmpegPath: '/nonexistent/ffmpeg',
    });
    cameras.push(camera);
    camera.start(() => undefined);
    await expect.poll(() => camera.reason).toMatch(/ffmpeg is not installed: install the "ffmpeg" package/);
    expect(camera.state).toBe('lost');
  });

  it('an RTSP camera that accepts and never answers fails by itself, and the main thread keeps running', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer((socket) => socket.on('error', () => undefined)); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const camera = new FfmpegCamera({
        source: { kind: 'stream', url: `rtsp://user:secret@127.0.0.1:${port}/chamber` },
        size: [320, 320],
        logger,
      });
      cameras.push(camera);
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      camera.start(() => undefined);
      // start() returned at once: the probe runs in a child process, not on this thread.
      expect(camera.state).toBe('starting');
      await expect.poll(() => camera.state, { timeout: 30_000 }).toBe('lost');
      clearInterval(ticker);
      expect(ticks).toBeGreaterThan(0);
      expect(camera.reason).not.toContain('secret');
      expect(camera.reason).toMatch(/127\.0\.0\.1/);
    } finally {
      silent.close();
    }
  }, 60_000);

  it('asks RTSP cameras for TCP with a socket timeout, and HTTP streams for a read timeout', async () => {
    const { streamOptions } = await import('./ffmpeg.camera');
    expect(streamOptions('rtsp://10.0.0.5/live')).toEqual(['-rtsp_transport', 'tcp', '-timeout', '5000000']);
    expect(streamOptions('http://10.0.0.5/mjpg')).toEqual(['-rw_timeout', '5000000']);
    expect(streamOptions('/var/lib/rvm-kiosk/test.mp4')).toEqual([]);
  });

  it('a V4L2 camera that refuses mjpeg is asked for its raw format (YUYV) at once', async () => {
    const { chmodSync, readFileSync, writeFileSync } = await import('node:fs');
    // A stand-in for ffmpeg at the device: refuses mjpeg as a YUYV-only camera does, records each call.
    const log = join(t.dir, 'ffmpeg-calls.txt');
    const fake = join(t.dir, 'ffmpeg');
    writeFileSync(
      fake,
      `#!/bin/sh\necho "$*" >> '${log}'\ncase "$*" in *mjpeg*) echo '[video4linux2,v4l2 @ 0x1] Cannot find a proper format for codec' >&2; exit 1;; esac\nexec sleep 30\n`,
    );
    chmodSync(fake, 0o755);
    const camera = new FfmpegCamera({
      source: { kind: 'v4l2', device: '/dev/video0', width: 640, height: 480, fps: 15, inputFormat: 'auto' },
      size: [320, 320],
      logger,
      ffmpegPath: fake,
    });
    cameras.push(camera);
    camera.start(() => undefined);
    await expect.poll(() => readFileSync(log, 'utf8').trim().split('\n').length, { timeout: 10_000 }).toBe(2);
    const [first, second] = readFileSync(log, 'utf8').trim().split('\n');
    expect(first).toContain('-input_format mjpeg');
    expect(second).toContain('-input_format yuyv422');
    expect(camera.state).not.toBe('lost');
  });
});
