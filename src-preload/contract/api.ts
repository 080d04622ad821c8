import type { z } from 'zod';
import type { CallDef, ContractDef, EventDef, FeatureDef } from './define';
import { err, resultSchema, type Result } from './result';

export type Unsubscribe = () => void;

type CallFn<D extends CallDef> =
  undefined extends z.input<D['request']>
    ? (request?: z.input<D['request']>) => Promise<Result<z.output<D['response']>>>
    : (request: z.input<D['request']>) => Promise<Result<z.output<D['response']>>>;
type EventFn<D extends EventDef> = (listener: (payload: z.output<D['payload']>) => void) => Unsubscribe;

/** `heartbeat` in the contract becomes `onHeartbeat` on the API. */
export type EventKey<N extends string> = `on${Capitalize<N>}`;

export type FeatureApi<F extends FeatureDef> = {
  readonly [N in keyof F & string as F[N] extends EventDef ? EventKey<N> : N]: F[N] extends CallDef
    ? CallFn<F[N]>
    : F[N] extends EventDef
      ? EventFn<F[N]>
      : never;
};
export type ContractApi<C extends ContractDef> = { readonly [K in keyof C]: FeatureApi<C[K]> };

/** What a transport must provide; the API is built on top of it, the same for IPC and WebSocket. */
export interface ClientTransport {
  invoke(channel: string, request: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): Unsubscribe;
}

export const channelOf = (feature: string, name: string): string => `${feature}.${name}`;
const eventKey = (name: string): string => `on${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * Builds the typed API object from the contract. Answers and events are checked against their
 * schemas here too, so a renderer never acts on a malformed message from any transport.
 */
export function buildApi<C extends ContractDef>(contract: C, transport: ClientTransport): ContractApi<C> {
  const api: Record<string, Record<string, unknown>> = {};
  for (const [feature, defs] of Object.entries(contract)) {
    const featureApi: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(defs)) {
      const channel = channelOf(feature, name);
      if (def.kind === 'call') {
        featureApi[name] = (request?: unknown) => invokeChecked(transport, channel, def, request);
      } else {
        featureApi[eventKey(name)] = (listener: (payload: unknown) => void) =>
          transport.subscribe(channel, (payload) => {
            const parsed = def.payload.safeParse(payload);
            if (parsed.success) listener(parsed.data);
          });
      }
    }
    api[feature] = featureApi;
  }
  return api as ContractApi<C>;
}

async function invokeChecked(
  transport: ClientTransport,
  channel: string,
  def: CallDef,
  request: unknown,
): Promise<Result<unknown>> {
  try {
    const raw = await transport.invoke(channel, request);
    const parsed = resultSchema(def.response).safeParse(raw);
    if (parsed.success) return parsed.data as Result<unknown>;
    return err('INTERNAL', `The answer on ${channel} did not match the contract.`);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return err('UNAVAILABLE', `${channel} could not be reached: ${message}`);
  }
}
