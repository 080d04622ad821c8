import { z } from 'zod';
import { PERMISSIONS } from './define';

/** Stable error codes the UI translates; never remove one, only add. */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN',
  'UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
  /** The action does not fit the deposit state (e.g. Finish while idle). */
  'INVALID_STATE',
  'OUT_OF_SERVICE',
  /** A technician's call without an open maintenance session (unlock with the PIN first). */
  'UNAUTHENTICATED',
  /** Too many calls or attempts in a short time; the message says when to try again. */
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const AppErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  /** For the log and as a last resort on screen; the UI words come from the code and the fields below. */
  message: z.string(),
  /** FORBIDDEN for want of a permission: which one (the screen names it in its own language). */
  permission: z.enum(PERMISSIONS).optional(),
  /** BAD_REQUEST about one value of the request: where it is in the request, e.g. ['platform', 'baseUrl']. */
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;
/** What an error may say besides its code and message. */
export type ErrorDetail = Pick<AppError, 'permission' | 'path'>;

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err = { readonly ok: false; readonly error: AppError };
/** What every call across a boundary answers: never a thrown error. */
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string, detail: ErrorDetail = {}): Err => ({
  ok: false,
  error: { code, message, ...detail },
});

/** Schema of a Result whose value is `value`; used to check answers that crossed a transport. */
export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorSchema }),
  ]);
