import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store/database';
import { tempDir } from '../support/test-core';

// The toolchain promise of the foundation: the native addons load under the Node that runs the
// scripts (Node 24, as inside Electron), with no compile step and no download.
describe('native modules under the project Node', () => {
  it('runs on Node 24', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('better-sqlite3 opens the store as a WAL file with synchronous=FULL', () => {
    // A real file (WAL does not exist for :memory:), opened the way the kiosk opens its store.
    const t = tempDir('rvm-native-');
    try {
      const { db } = openStore(join(t.dir, 'rvm.db'));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.prepare('select 6 * 7 as answer').get()).toEqual({ answer: 42 });
      db.close();
      // A second connection sees the file in WAL mode too (it is the file's, not the connection's).
      const again = new Database(join(t.dir, 'rvm.db'), { readonly: true });
      expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
      again.close();
    } finally {
      t.cleanup();
    }
  });

  it('sharp letterboxes an image', async () => {
    const out = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#ff0000' } })
      .resize(40, 40, { fit: 'contain', background: { r: 114, g: 114, b: 114 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(out.info).toMatchObject({ width: 40, height: 40, channels: 3 });
    expect([...out.data.subarray(0, 3)]).toEqual([114, 114, 114]);
  });

  const model = '../shared/models/yolov8n-det-int8-320.onnx';
  it.runIf(existsSync(model))('onnxruntime-node loads a fixture model on the CPU', async () => {
    const session = await ort.InferenceSession.create(model);
    expect(session.inputNames).toEqual(['images']);
    expect(session.outputNames).toEqual(['output0']);
    await session.release();
  });
});
