import { z } from 'zod';
import {
  err,
  findDef,
  ok,
  type ErrorCode,
  type ErrorDetail,
  type Permission,
  type Result,
} from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import type { CallContext, Handlers } from './contract-types';

/**
 * Thrown by a handler to answer a specific error code; anything else becomes INTERNAL. `detail` names
 * the permission missing or the request value at fault, for the screen to say in its own words.
 */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail: ErrorDetail = {},
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}

export interface Router {
  /** Validates, runs the handler, validates the answer. Never throws, never rejects. */
  dispatch(channel: string, payload: unknown, ctx: CallContext): Promise<Result<unknown>>;
  /** A screen went away (WebSocket closed): its maintenance session ends. */
  clientGone(client: string): void;
}

/** Who may make technicians' calls (contract `access`), and where their actions are written down. */
export interface CallGuard {
  /** The signed-in technician's name; throws AppFailure UNAUTHENTICATED or FORBIDDEN. Counts as activity. */
  authorize(client: string, permission: Permission): string;
  audit(entry: { actor: string; action: string; detail: string | null; result: string }): void;
  clientGone(client: string): void;
}

export function createRouter(
  handlers: Handlers,
  logger: Logger,
  guard?: CallGuard,
  /** Others that keep per-screen state (setup's unlocked screens and guess throttles). */
  alsoWhenGone: ReadonlyArray<(client: string) => void> = [],
): Router {
  const log = logger.scope('router');
  return {
    async dispatch(channel, payload, ctx) {
      const def = typeof channel === 'string' ? findDef(channel) : undefined;
      if (!def || def.kind !== 'call') {
        return err('UNKNOWN_CHANNEL', `"${String(channel)}" is not a call in the contract.`);
      }
      let technician: string | undefined;
      if (def.access) {
        if (!guard) return err('FORBIDDEN', `${channel} needs maintenance, which this kiosk does not offer.`);
        try {
          technician = guard.authorize(ctx.client, def.access.permission);
        } catch (error) {
          if (error instanceof AppFailure) return err(error.code, error.message, error.detail);
          throw error;
        }
      }
      const request = def.request.safeParse(payload);
      if (!request.success) {
        return err('BAD_REQUEST', `Invalid request for ${channel}: ${z.prettifyError(request.error)}`, {
          path: pathOf(request.error.issues[0]?.path),
        });
      }
      const handler = lookupHandler(handlers, channel);
      const result = await run(handler, channel, request.data, technician ? { ...ctx, technician } : ctx, def.response);
      if (technician && def.access?.audited) {
        guard!.audit({
          actor: technician,
          action: channel,
          detail: request.data === undefined ? null : JSON.stringify(request.data),
          result: result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`,
        });
      }
      return result;
    },
    clientGone(client) {
      guard?.clientGone(client);
      for (const gone of alsoWhenGone) gone(client);
    },
  };

  async function run(
    handler: AnyHandler,
    channel: string,
    request: unknown,
    ctx: CallContext,
    schema: z.ZodType,
  ): Promise<Result<unknown>> {
    try {
      const value = await handler(request, ctx);
      const response = schema.safeParse(value);
      if (response.success) return ok(response.data);
      log.error(`handler for ${channel} answered outside the contract`, z.prettifyError(response.error));
      return err('INTERNAL', `The kiosk produced an invalid answer for ${channel}.`);
    } catch (error) {
      if (error instanceof AppFailure) return err(error.code, error.message, error.detail);
      log.error(`handler for ${channel} failed`, error);
      return err('INTERNAL', `${channel} failed inside the kiosk; the technician log has details.`);
    }
  }
}

/** A zod issue's path as the contract carries it (symbols, which JSON cannot, left out). */
export const pathOf = (path: ReadonlyArray<PropertyKey> | undefined): Array<string | number> =>
  (path ?? []).filter((p): p is string | number => typeof p !== 'symbol');

type AnyHandler = (request: unknown, ctx: CallContext) => unknown;

function lookupHandler(handlers: Handlers, channel: string): AnyHandler {
  const [feature, name] = channel.split('.') as [string, string];
  const group = (handlers as unknown as Record<string, Record<string, AnyHandler>>)[feature];
  const handler = group?.[name];
  if (!handler) throw new Error(`No handler is wired for ${channel}`);
  return handler;
}
