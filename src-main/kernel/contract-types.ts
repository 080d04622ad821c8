import type { z } from 'zod';
import type { CallDef, Contract, EventChannel, EventDef } from '../../src-preload/contract';

type DefAt<Ch extends string> = Ch extends `${infer F}.${infer N}`
  ? F extends keyof Contract
    ? N extends keyof Contract[F]
      ? Contract[F][N]
      : never
    : never
  : never;

/** What main may publish on an event channel. */
export type EventPayload<Ch extends EventChannel> = DefAt<Ch> extends EventDef<infer P> ? z.input<P> : never;

export interface CallContext {
  /** Which transport carried the call: 'ipc' or 'ws'; for logs and audit. */
  readonly transport: 'ipc' | 'ws';
  /** Which screen: one per WebSocket connection, 'ipc' for the Electron window. Maintenance sessions belong to one. */
  readonly client: string;
  /** Set by the router for technicians' calls (contract `access`): who is signed in on this client. */
  readonly technician?: string;
}

type Handler<D> =
  D extends CallDef<infer Req, infer Res>
    ? (request: z.output<Req>, ctx: CallContext) => Promise<z.input<Res>> | z.input<Res>
    : never;

/** One handler per call in the contract; the compiler reports any that is missing. */
export type Handlers = {
  readonly [F in keyof Contract]: {
    readonly [N in keyof Contract[F] as Contract[F][N] extends CallDef ? N : never]: Handler<Contract[F][N]>;
  };
};
