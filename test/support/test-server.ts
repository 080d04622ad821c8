import { startRemoteServer, type RemoteServer } from '../../src-main/remote/remote.server';
import type { makeTestCore } from './test-core';

type TestCore = ReturnType<typeof makeTestCore>;
export const LOOPBACK = { host: '127.0.0.1', port: 0, allowCidrs: [] } as const;

/** The real headless server over a test core, on a free port (loopback unless told otherwise). */
export function serveTestCore(
  env: Pick<TestCore, 'core' | 'logger'>,
  rendererDir: string,
  remote: {
    host: string;
    port: number;
    token?: string;
    allowCidrs: readonly string[];
    tls?: { certFile: string; keyFile: string };
  } = LOOPBACK,
): Promise<RemoteServer> {
  return startRemoteServer({
    core: env.core,
    remote,
    rendererDir,
    logger: env.logger,
    metrics: env.core.prometheus(),
    till: env.core.till(),
  });
}
