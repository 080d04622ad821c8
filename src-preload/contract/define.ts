import type { z } from 'zod';

/** What a technician's maintenance session may allow (the v1 platform's permission names). */
export const PERMISSIONS = ['view_status', 'view_logs', 'test_hardware', 'reboot_machine', 'update_config'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * A call only a technician with an open maintenance session on the same client may make. `audited`:
 * the router writes who, what, when and the result to the audit log (actions, not views).
 */
export interface Access {
  readonly permission: Permission;
  readonly audited: boolean;
}

/** A request/response call: main validates `request`, answers a Result of `response`. */
export type CallDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> = {
  readonly kind: 'call';
  readonly request: Req;
  readonly response: Res;
  readonly access?: Access;
};
/** A stream main pushes to the renderer; subscribing returns an unsubscribe function. */
export type EventDef<P extends z.ZodType = z.ZodType> = { readonly kind: 'event'; readonly payload: P };

export const call = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): CallDef<Req, Res> => ({
  kind: 'call',
  request,
  response,
});

/** A technician's view (needs the permission, not audited). */
export const view = <Req extends z.ZodType, Res extends z.ZodType>(
  permission: Permission,
  request: Req,
  response: Res,
): CallDef<Req, Res> => ({ kind: 'call', request, response, access: { permission, audited: false } });

/** A technician's action (needs the permission, audited). */
export const action = <Req extends z.ZodType, Res extends z.ZodType>(
  permission: Permission,
  request: Req,
  response: Res,
): CallDef<Req, Res> => ({ kind: 'call', request, response, access: { permission, audited: true } });

export const event = <P extends z.ZodType>(payload: P): EventDef<P> => ({ kind: 'event', payload });

export type FeatureDef = Readonly<Record<string, CallDef | EventDef>>;
export type ContractDef = Readonly<Record<string, FeatureDef>>;
