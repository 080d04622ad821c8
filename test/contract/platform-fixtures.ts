// Jobs and answers the platform contract tests share: a member's session S1 with one PET bottle, the
// outbox jobs SessionRepo writes for them, and the refusal a test expects.
import { expect } from 'vitest';
import type { ItemVerdict } from '../../src-preload/contract';
import { PlatformError } from '../../src-main/platform/platform-error';
import type { ItemJobPayload } from '../../src-main/store/outbox-jobs';
import type { OutboxJob } from '../../src-main/store/outbox.repo';
import type { SessionRow } from '../../src-main/store/session.repo';

export const SESSION: SessionRow = {
  id: 'S1',
  status: 'closed',
  identity: 'member',
  memberId: '501',
  openedAt: Date.parse('2026-11-20T10:00:00Z'),
  acceptedCount: 1,
  rejectedCount: 0,
  totalPoints: 10,
  platformSession: 'sess_1',
  memberName: 'Siti',
  closedAt: Date.parse('2026-11-20T10:01:00Z'),
};

export const ITEM: ItemJobPayload = {
  id: 'I1',
  sessionId: 'S1',
  seq: 1,
  accepted: true,
  reason: null,
  material: 'pet',
  className: 'pet_bottle',
  confidence: 0.91,
  points: 10,
  barcode: null,
  weightG: 24,
  at: Date.parse('2026-11-20T10:00:30Z'),
  box: [10, 20, 110, 220],
};

const claimed = (key: string, orderingKey: string) => ({
  id: 1,
  idempotencyKey: key,
  orderingKey,
  status: 'in_flight' as const,
  attempts: 1,
  nextAttemptAt: 0,
  lastError: null,
  createdAt: 0,
  progress: null,
});

/** An item's job as the outbox hands it over. */
export const itemJob = (payload: ItemJobPayload, key = `item:${payload.id}`): OutboxJob => ({
  ...claimed(key, payload.sessionId),
  kind: 'deposit.item',
  payload,
});

/** A closed session's job as SessionRepo.close writes it. */
export const sessionJob = (session: SessionRow = SESSION, key = `session:${session.id}`): OutboxJob => ({
  ...claimed(key, session.id),
  kind: 'deposit.session',
  payload: { ...session, status: 'closed', closedAt: session.closedAt!, reason: 'finished', voucherId: null },
});

/** A PET bottle as vision judges it. */
export const pet = (): ItemVerdict => ({
  className: 'pet_bottle',
  material: 'pet',
  confidence: 0.93,
  accepted: true,
  reason: null,
  box: [10, 10, 100, 200],
});

/** The PlatformError a call is expected to fail with. */
export async function refusal(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}
