import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/test-core';
import { createLogger } from '../log/logger';
import { letterboxFor, letterboxRgb } from '../vision/letterbox';
import type { CameraState, Frame } from './camera';
import { FfmpegCamera } from './ffmpeg.camera';

const CHAMBER = join('..', 'shared', 'images', 'rvm-chamber', 'pet-bottle-red.jpg');
const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });

describe('ffmpeg camera (real ffmpeg reading a file)', () => {
  const t = tempDir('rvm-ffmpeg-');
  const video = join(t.dir, 'chamber.mp4');
  const cameras: FfmpegCamera[] = [];
  beforeAll(() => {
    // Two seconds of the chamber photo (864×480) as an MJPEG-in-MP4 camera recording.
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-loop',
      '1',
      '-i',
      CHAMBER,
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
});
