import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHAMBER, greyChamberWithCode } from '../../test/support/barcode-picture';
import { FakeClock } from '../../test/support/fake-clock';
import { useWorkerLauncher } from '../../test/support/worker-launcher';
import type { GreyFrame } from '../camera/camera';
import { createLogger } from '../log/logger';
import { BarcodeScanner } from './barcode-scanner';
import type { WorkerLauncher } from './worker-host';
import type { FromBarcodeWorker, ToBarcodeWorker } from './worker-protocol';

const logger = createLogger({ level: 'error', maxFileMb: 1, console: false });
const launcher = useWorkerLauncher<ToBarcodeWorker, FromBarcodeWorker>('src-main/vision/barcode-worker.ts');

/** The chamber with an EAN-13 turned 90° on the bottle, or without. */
async function picture(withCode: boolean): Promise<GreyFrame> {
  if (withCode) return greyChamberWithCode('ean13', '8991002101234', 90, 2);
  const { data, info } = await sharp(CHAMBER).resize(1280, 720).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { at: 0, grey: new Uint8Array(data), width: info.width, height: info.height };
}

describe('BarcodeScanner: the barcode worker process', () => {
  it('reads one picture at a time in its own process and skips pictures while busy', async () => {
    const scanner = new BarcodeScanner({ launch: launcher(), clock: new FakeClock(), logger });
    const frame = await picture(true);
    const read = scanner.scan(frame);
    expect(scanner.busy).toBe(true);
    expect(scanner.scan(frame)).toBeUndefined();
    expect(await read).toBe('8991002101234');
    expect(await scanner.scan(await picture(false))).toBeNull();
    expect(scanner.counts).toEqual({ reads: 2, found: 1, failures: 0 });
    scanner.stop();
  }, 30_000);

  it('answers null when the worker dies mid-read, pauses, then starts a fresh worker', async () => {
    const clock = new FakeClock();
    const real = launcher();
    const pids: number[] = [];
    const launch: WorkerLauncher<ToBarcodeWorker, FromBarcodeWorker> = () => {
      const handle = real();
      pids.push(handle.pid!);
      return handle;
    };
    const scanner = new BarcodeScanner({ launch, clock, logger });
    const frame = await picture(true);
    const read = scanner.scan(frame)!;
    process.kill(pids[0]!, 'SIGKILL');
    expect(await read).toBeNull();
    expect(scanner.counts.failures).toBe(1);
    // Backing off: nothing is sent to a worker that keeps dying.
    expect(scanner.scan(frame)).toBeUndefined();
    clock.advance(2000);
    expect(await scanner.scan(frame)).toBe('8991002101234');
    expect(pids).toHaveLength(2);
    scanner.stop();
  }, 30_000);

  it('restarts a worker that hangs past the timeout', async () => {
    const clock = new FakeClock();
    const silent: WorkerLauncher<ToBarcodeWorker, FromBarcodeWorker> = () => ({
      pid: undefined,
      send: () => undefined,
      onMessage: () => undefined,
      onExit: () => undefined,
      kill: () => undefined,
    });
    const scanner = new BarcodeScanner({ launch: silent, clock, logger, timeoutMs: 3000 });
    const read = scanner.scan(await picture(false))!;
    clock.advance(3000);
    expect(await read).toBeNull();
    expect(scanner.counts.failures).toBe(1);
    expect(scanner.busy).toBe(false);
    scanner.stop();
  });
});
