import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { forkLauncher, type WorkerLauncher } from '../../src-main/vision/worker-host';
import { bundleForNode } from './bundle.mjs';

/** The real inference worker, bundled once for this test file; call at module level, read inside tests. */
export function useWorkerLauncher(): () => WorkerLauncher {
  let launcher: WorkerLauncher | undefined;
  let bundle: string | undefined;
  beforeAll(async () => {
    bundle = await bundleForNode('src-main/vision/inference-worker.ts');
    launcher = forkLauncher(bundle);
  });
  afterAll(() => {
    if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  });
  return () => {
    if (!launcher) throw new Error('the worker bundle is not built yet (use inside a test)');
    return launcher;
  };
}
