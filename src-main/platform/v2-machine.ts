import { z } from 'zod';
import type { PlatformHttp } from './http';
import { PlatformError } from './platform-error';
import type { EngineSpec, RemoteMachineStatus, SelfUpdate } from './profile';
import type { V2Auth } from './v2-auth';
import {
  ActivateGuestRequest,
  CreateData,
  EngineRequest,
  RvmRef,
  RvmStatusData,
  SelfUpdateRequest,
} from './v2.schemas';

/** What the v2 calls about the machine itself need. */
export interface V2Machine {
  readonly http: PlatformHttp;
  readonly auth: V2Auth;
  readonly rvmId: number;
  /** The per-machine key for /rvm/self/*; undefined: those calls are skipped. */
  readonly apiKey: string | undefined;
}

/** The platform's own "not found" (`{success: false, …}`), as opposed to a route the server lacks. */
function isPlatformAnswer(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { success?: unknown }).success === false;
}

/**
 * Registers this machine's processing engine (once: the caller keeps the id) or, with a known id,
 * pings it. Only the platform's own "not found" registers it again: a 404 without its envelope is a
 * server without the ping route, and registering again would add an engine at every start.
 */
export async function registerEngine(
  m: V2Machine,
  engine: EngineSpec,
  knownId: string | number | undefined,
  log: (message: string) => void = () => undefined,
): Promise<string | number> {
  if (knownId !== undefined) {
    try {
      await m.auth.run(() =>
        m.http.send(
          { method: 'POST', path: `/api/v2/processing-engines/${knownId}/ping`, answers: [404] },
          z.unknown(),
        ),
      );
      return knownId;
    } catch (error) {
      if (!(error instanceof PlatformError && error.status === 404)) throw error;
      if (!isPlatformAnswer(error.details.body)) {
        log(`the platform has no engine ping route (${error.message}); engine ${knownId} kept`);
        return knownId;
      }
    }
  }
  const created = await m.auth.run(() =>
    m.http.send(
      {
        method: 'POST',
        path: '/api/v2/processing-engines',
        schema: EngineRequest,
        json: {
          name: engine.name,
          type: engine.type,
          server_address: engine.serverAddress,
          port: engine.port,
          model_path: engine.modelPath,
          processing_timeout: 30,
          auto_failover: false,
          is_active: true,
        },
      },
      z.object({ id: z.union([z.number(), z.string()]) }),
    ),
  );
  return created.id;
}

/** What the platform believes about this machine (technician's connection test). */
export async function machineStatus(m: V2Machine): Promise<RemoteMachineStatus> {
  const s = await m.auth.run(() =>
    m.http.send({ method: 'GET', path: `/api/v2/rvm-status/${m.rvmId}` }, RvmStatusData),
  );
  return { name: s.rvm_name ?? `RVM ${s.rvm_id}`, status: s.current_status };
}

/** PATCH /rvm/self/update with the machine key: its address and time zone. */
export async function updateSelf(m: V2Machine, fields: SelfUpdate): Promise<void> {
  if (!m.apiKey) throw new PlatformError('bad-request', 'PATCH /api/v2/rvm/self/update needs platform.v2.apiKey');
  await m.http.send(
    {
      method: 'PATCH',
      path: '/api/v2/rvm/self/update',
      schema: SelfUpdateRequest,
      json: {
        ...(fields.ipAddress ? { ip_address: fields.ipAddress } : {}),
        ...(fields.timezone ? { timezone: fields.timezone } : {}),
      },
      headers: { 'X-API-Key': m.apiKey, Authorization: undefined },
    },
    z.unknown(),
  );
}

/** A guest (donation) session: a session created for this machine, then activated for a guest. */
export async function openGuestSession(m: V2Machine): Promise<string> {
  const created = await m.http.send(
    { method: 'POST', path: '/api/v2/rvm/session/create', schema: RvmRef, json: { rvm_id: m.rvmId } },
    CreateData,
  );
  await m.http.send(
    {
      method: 'POST',
      path: '/api/v2/rvm/session/activate-guest',
      schema: ActivateGuestRequest,
      json: { session_token: created.session_token },
    },
    z.unknown(),
  );
  return created.session_token;
}
