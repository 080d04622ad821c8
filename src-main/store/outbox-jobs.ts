import { z } from 'zod';

/*
 * The outbox's jobs, one schema per kind: what the store writes (SessionRepo) and what the platform
 * delivers. Rows already in machines' databases must keep parsing: a field is only ever added as
 * optional, never renamed, narrowed or made required.
 */

/** An accepted item: SessionRepo.addItem writes the item as committed plus its number in the session. */
export const ItemJobPayload = z
  .object({
    id: z.string().min(1),
    sessionId: z.string().min(1),
    /** The item's number in its session (accepted and rejected items counted). */
    seq: z.number().int().positive(),
    /** Rejected items are queued too (v1 records them; v2 skips them). */
    accepted: z.boolean(),
    className: z.string(),
    material: z.string().nullable(),
    confidence: z.number(),
    /** Why a rejected item was handed back; null for an accepted one. */
    reason: z.string().nullable(),
    points: z.number(),
    barcode: z.string().nullable(),
    weightG: z.number().nullable(),
    at: z.number(),
    /** JPEG of the frame the verdict was made on; absent in jobs queued before frames were kept. */
    imagePath: z.string().nullish(),
    /** Where the item was in that frame, [x1, y1, x2, y2] px; absent in jobs queued before boxes were kept. */
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]).readonly().optional(),
    /** A segmentation model's outline of the item in that frame (v2 detection results' segmentation_mask). */
    mask: z
      .array(z.tuple([z.number(), z.number()]).readonly())
      .readonly()
      .optional(),
  })
  .readonly();
export type ItemJobPayload = z.infer<typeof ItemJobPayload>;

/** A closed session: SessionRepo.close writes the session row as closed, with how and its voucher. */
export const SessionJobPayload = z
  .object({
    id: z.string().min(1),
    status: z.literal('closed'),
    identity: z.string().nullable(),
    memberId: z.string().nullable(),
    openedAt: z.number(),
    acceptedCount: z.number().int().nonnegative(),
    rejectedCount: z.number().int().nonnegative(),
    totalPoints: z.number(),
    /** Absent in jobs queued before the platform's session references were kept. */
    platformSession: z.string().nullish(),
    memberName: z.string().nullish(),
    closedAt: z.number(),
    /** Why the session closed (finished, timeout, …). */
    reason: z.string(),
    voucherId: z.string().nullable(),
  })
  .readonly();
export type SessionJobPayload = z.infer<typeof SessionJobPayload>;

/** Every kind of job the outbox carries, by its `kind` column. */
export const OutboxJobBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deposit.item'), payload: ItemJobPayload }),
  z.object({ kind: z.literal('deposit.session'), payload: SessionJobPayload }),
]);
/** A job's kind and its parsed payload; switch on `kind` to get the payload's type. */
export type OutboxJobBody = z.infer<typeof OutboxJobBody>;
export type OutboxJobKind = OutboxJobBody['kind'];
/** What a writer hands to the outbox (the payload is stored as JSON, exactly as given). */
export type NewOutboxJobBody = z.input<typeof OutboxJobBody>;

export const OUTBOX_JOB_KINDS: readonly OutboxJobKind[] = OutboxJobBody.options.map((o) => o.shape.kind.value);

/**
 * Reads a stored job's kind and payload; on failure, the reason in words for the technician who will
 * see it on the quarantine list (what is wrong, which job, what to do).
 */
export function parseJobBody(
  job: { readonly id: number; readonly idempotencyKey: string; readonly kind: string },
  payloadJson: string,
): { readonly ok: true; readonly body: OutboxJobBody } | { readonly ok: false; readonly reason: string } {
  const which = `job ${job.id} (${job.idempotencyKey})`;
  const handling =
    'It cannot be delivered as it is: discard it on the maintenance screen (the local records stay), or retry it after updating the kiosk.';
  if (!(OUTBOX_JOB_KINDS as readonly string[]).includes(job.kind)) {
    return {
      ok: false,
      reason: `unknown job kind "${job.kind}" in ${which}: this kiosk delivers ${OUTBOX_JOB_KINDS.join(', ')} (was it written by a newer version?). ${handling}`,
    };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return { ok: false, reason: `unreadable ${job.kind} ${which}: its payload is not JSON. ${handling}` };
  }
  const parsed = OutboxJobBody.safeParse({ kind: job.kind, payload });
  if (parsed.success) return { ok: true, body: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.slice(1).join('.') || '(payload)'}: ${i.message}`)
    .join('; ');
  return { ok: false, reason: `unreadable ${job.kind} ${which}: ${issues}. ${handling}` };
}
