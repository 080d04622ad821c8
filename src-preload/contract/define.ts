import type { z } from 'zod';

/** A request/response call: main validates `request`, answers a Result of `response`. */
export type CallDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> = {
  readonly kind: 'call';
  readonly request: Req;
  readonly response: Res;
};
/** A stream main pushes to the renderer; subscribing returns an unsubscribe function. */
export type EventDef<P extends z.ZodType = z.ZodType> = { readonly kind: 'event'; readonly payload: P };

export const call = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): CallDef<Req, Res> => ({
  kind: 'call',
  request,
  response,
});

export const event = <P extends z.ZodType>(payload: P): EventDef<P> => ({ kind: 'event', payload });

export type FeatureDef = Readonly<Record<string, CallDef | EventDef>>;
export type ContractDef = Readonly<Record<string, FeatureDef>>;
