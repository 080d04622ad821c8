import { z } from 'zod';

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
  message: z.string(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err = { readonly ok: false; readonly error: AppError };
/** What every call across a boundary answers: never a thrown error. */
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string): Err => ({ ok: false, error: { code, message } });

/** Schema of a Result whose value is `value`; used to check answers that crossed a transport. */
export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorSchema }),
  ]);
