import { z } from 'zod';
import type { OutboxJobOf } from '../store/outbox.repo';
import type { SessionRow } from '../store/session.repo';
import type { PlatformHttp } from './http';
import { PlatformError } from './platform-error';
import type { DeliveryContext } from './profile';
import { DepositData, SyncBody, SyncRequest } from './v1.schemas';

/** The "System Donation" user where the handshake names none (PLATFORM-API.md: user_id −1 = donation). */
export const DONATION_USER = -1;

/**
 * One item's image and classification: POST /edge/deposit (multipart). Stores evidence, no points.
 * A rejected item goes as `REJECTED` with its reason (the server takes both statuses).
 */
export async function depositItem(
  http: PlatformHttp,
  job: OutboxJobOf<'deposit.item'>,
  context: DeliveryContext,
): Promise<void> {
  const item = job.payload;
  const data = DepositData.safeParse({
    session_id: (await context.platformSession(item.sessionId)) ?? item.sessionId,
    material: item.material,
    weight_g: item.weightG,
    classification_confidence: item.confidence,
    is_accepted: item.accepted,
    rejection_reason: item.accepted ? null : (item.reason ?? 'rejected'),
    idempotency_key: job.idempotencyKey,
    item_id: item.id,
    class_name: item.className,
    points: item.accepted ? item.points : 0,
    barcode: item.barcode,
  });
  if (!data.success) {
    const issue = data.error.issues[0];
    throw new PlatformError('bad-request', `deposit ${item.id}: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const form = new FormData();
  const jpeg = await context.image(item.imagePath);
  form.set('image', new Blob([jpeg.slice()], { type: 'image/jpeg' }), `${item.id}.jpg`);
  form.set('status', item.accepted ? 'ACCEPTED' : 'REJECTED');
  form.set('data', JSON.stringify(data.data));
  form.set('session_id', data.data.session_id);
  await http.send(
    { method: 'POST', path: '/api/v1/edge/deposit', form, idempotencyKey: job.idempotencyKey },
    z.unknown(),
  );
}

/**
 * The session's credit: POST /edge/sync-offline, one transaction with every accepted item, in the body
 * both server lines take (idempotent on `session_id` on the dev line). The dev line keeps the route
 * behind a bearer the machine key is not: its 401 waits in the outbox (never quarantined) and does not
 * mark the machine's own credentials refused.
 */
export async function syncSession(
  http: PlatformHttp,
  job: OutboxJobOf<'deposit.session'>,
  context: DeliveryContext,
  o: { readonly donationUserId: number; readonly machineId: number | undefined },
): Promise<void> {
  const payload = job.payload;
  const session = context.session(payload.id);
  if (!session) throw new PlatformError('bad-request', `session ${payload.id} is not in the local store`);
  const items = context.acceptedItems(session.id);
  if (items.length === 0) return; // nothing to credit: an empty session is not a transaction
  // A voucher session's value left the machine as a voucher: reported with 0 points so the platform
  // credits no one (the donation user would otherwise be paid a second time).
  const paid = session.identity !== 'voucher';
  const request = {
    method: 'POST' as const,
    path: '/api/v1/edge/sync-offline',
    schema: SyncRequest,
    json: {
      transactions: [
        {
          session_id: session.id,
          user_id: userIdOf(session, o.donationUserId),
          timestamp: new Date(session.closedAt ?? payload.closedAt).toISOString(),
          items: items.map((i) => ({
            type: i.material ?? i.className,
            weight: (i.weightG ?? 0) / 1000,
            points: paid ? i.points : 0,
          })),
          idempotency_key: job.idempotencyKey,
          identity: session.identity ?? 'guest',
          member_id: session.memberId,
          platform_session: await context.platformSession(session.id),
        },
      ],
    },
    idempotencyKey: job.idempotencyKey,
    ...(o.machineId !== undefined ? { headers: { 'X-RVM-Machine-ID': String(o.machineId) } } : {}),
    // The dev line's bearer-only route: an answer, not a broken link.
    answers: [401],
  };
  let body;
  try {
    body = await http.send(request, SyncBody, true);
  } catch (error) {
    if (error instanceof PlatformError && error.status === 401) {
      throw new PlatformError(
        'http',
        `${error.message} — this server keeps sync-offline behind a user bearer (v1 dev line); the session's credit waits in the outbox`,
        { ...error.details, authScope: 'endpoint' },
      );
    }
    throw error;
  }
  const errors = body.errors ?? [];
  if (errors.length > 0 && (body.synced_count ?? 0) < 1) {
    throw new PlatformError(
      'bad-response',
      `POST /api/v1/edge/sync-offline: the platform stored nothing for session ${session.id}: ${errors.map(String).join('; ')}`,
      { status: 200, body },
    );
  }
}

/** Who the platform credits: the member who claimed the session, else the donation user. */
function userIdOf(session: SessionRow, donationUserId: number): number {
  if (session.identity !== 'member' || !session.memberId) return donationUserId;
  const id = Number(session.memberId);
  if (!Number.isSafeInteger(id)) {
    throw new PlatformError(
      'bad-request',
      `session ${session.id}: member id "${session.memberId}" is not a v1 user id`,
    );
  }
  return id;
}
