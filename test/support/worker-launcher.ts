import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { forkLauncher, type WorkerLauncher } from '../../src-main/vision/worker-host';
import type { FromWorker, ToWorker } from '../../src-main/vision/worker-protocol';
import { bundleForNode } from './bundle.mjs';

/**
 * A real worker (the inference worker unless told), bundled once for this test file; call at module
 * level, read inside tests.
 */
export function useWorkerLauncher<In = ToWorker, Out = FromWorker>(
  entry = 'src-main/vision/inference-worker.ts',
): () => WorkerLauncher<In, Out> {
  let launcher: WorkerLauncher<In, Out> | undefined;
  let bundle: string | undefined;
  beforeAll(async () => {
    bundle = await bundleForNode(entry);
    launcher = forkLauncher<In, Out>(bundle);
  });
  afterAll(() => {
    if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  });
  return () => {
    if (!launcher) throw new Error('the worker bundle is not built yet (use inside a test)');
    return launcher;
  };
}
