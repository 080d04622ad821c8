import { z } from 'zod';
import { call, event } from './define';

/** Why an item was not credited; the UI translates each into words for the customer. */
export const REJECT_REASONS = [
  'unknown_item',
  'low_confidence',
  'multiple_items',
  'reject_class',
  'moved_out',
  'ineligible_barcode',
  /** Not the size or shape of a real item of its class (the manifest's shape range): a toy, a crushed can. */
  'wrong_shape',
  'weight_out_of_range',
  'credit_cap',
  /** Accepted, but the machine could not take it in (refused or no answer): handed back, no points. */
  'not_taken',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What the vision pipeline concludes about one item in the chamber. */
export const ItemVerdictSchema = z.object({
  className: z.string().min(1),
  material: z.string().min(1).nullable(),
  confidence: z.number().min(0).max(1),
  accepted: z.boolean(),
  reason: z.enum(REJECT_REASONS).nullable(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  barcode: z
    .string()
    .regex(/^\d{8,14}$/)
    .nullable()
    .optional(),
  /** From the weight sensor, when the machine has one. */
  weightG: z.number().nonnegative().optional(),
  /** Segmentation models: the item's outline in source pixels (reported to a v2 platform). */
  mask: z
    .array(z.tuple([z.number(), z.number()]))
    .max(1000)
    .optional(),
});
export type ItemVerdict = z.infer<typeof ItemVerdictSchema>;

export const DEPOSIT_STATES = ['idle', 'identifying', 'inserting', 'closing', 'receipt', 'out_of_service'] as const;
export type DepositStateName = (typeof DEPOSIT_STATES)[number];

export const IdentitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member'), memberId: z.string().min(1), name: z.string().optional() }),
  z.object({ kind: z.literal('guest') }),
  z.object({ kind: z.literal('donation') }),
  z.object({ kind: z.literal('voucher') }),
]);
export type Identity = z.infer<typeof IdentitySchema>;

export const ItemResultSchema = z.object({
  itemId: z.string(),
  sessionId: z.string(),
  seq: z.number().int().positive(),
  accepted: z.boolean(),
  className: z.string(),
  material: z.string().nullable(),
  points: z.number().int().nonnegative(),
  reason: z.enum(REJECT_REASONS).nullable(),
});
export type ItemResult = z.infer<typeof ItemResultSchema>;

export const ReceiptSchema = z.object({
  sessionId: z.string(),
  identity: IdentitySchema,
  acceptedCount: z.number().int().nonnegative(),
  totalPoints: z.number().int().nonnegative(),
  /** The money value of the points (deposit.pointValue), where the machine prices money. */
  value: z.object({ amount: z.number().nonnegative(), currency: z.string() }).nullable(),
  /** payload: the signed code in the QR; number: the 13 digits under the barcode (a till can type it). */
  voucher: z.object({ id: z.string(), payload: z.string(), number: z.string(), expiresAt: z.number() }).nullable(),
  /** True while the platform has not confirmed the session yet. */
  willSync: z.boolean(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/**
 * Why the machine is out of service. Customers are told by code (the renderer has words for each in
 * every language); technicians read the detail ("camera lost: ffmpeg exited 1").
 */
export const OUT_OF_SERVICE_CODES = [
  'bin',
  'camera',
  'vision',
  'hardware',
  'storage',
  'maintenance',
  'status',
  'setup',
  'updating',
  'backup',
] as const;
export type OutOfServiceCode = (typeof OUT_OF_SERVICE_CODES)[number];
export const OutOfServiceReasonSchema = z.object({ code: z.enum(OUT_OF_SERVICE_CODES), detail: z.string() });
export type OutOfServiceReason = z.infer<typeof OutOfServiceReasonSchema>;

export const DepositStateSchema = z.object({
  state: z.enum(DEPOSIT_STATES),
  sessionId: z.string().nullable(),
  identity: IdentitySchema.nullable(),
  acceptedCount: z.number().int().nonnegative(),
  rejectedCount: z.number().int().nonnegative(),
  totalPoints: z.number().int().nonnegative(),
  /** Epoch ms when the current state times out (for the visible countdown); null when it does not. */
  deadlineAt: z.number().nullable(),
  outOfService: z.array(OutOfServiceReasonSchema),
  lastItem: ItemResultSchema.nullable(),
  receipt: ReceiptSchema.nullable(),
  /**
   * While identifying with a platform: the member login code to show (scanned with the MyRVM app) and
   * when it expires (a new one replaces it before then). Null when there is none (offline, no platform).
   */
  qr: z.object({ content: z.string().min(1), expiresAt: z.number() }).nullable(),
});
export type DepositState = z.infer<typeof DepositStateSchema>;

/** The deposit flow at rest: no session, nothing to show. */
export const IDLE_DEPOSIT_STATE: DepositState = {
  state: 'idle',
  sessionId: null,
  identity: null,
  acceptedCount: 0,
  rejectedCount: 0,
  totalPoints: 0,
  deadlineAt: null,
  outOfService: [],
  lastItem: null,
  receipt: null,
  qr: null,
};

/** What the machine takes and pays, for the attract screen. */
export const CatalogueSchema = z.object({
  materials: z.array(z.object({ material: z.string(), points: z.number().int().nonnegative() })),
  /** Platform value of one point, for showing money (v1: Rp 10). */
  pointValue: z.object({ amount: z.number().nonnegative(), currency: z.string() }).nullable(),
  /** Demo mode (deposit.demoItems): the insert screen shows buttons that put in a simulated item. */
  demoItems: z.boolean(),
  /** A receipt printer is configured: the receipt screen offers "Print receipt" (printer.kind). */
  receiptPrinter: z.boolean(),
  /** How items get in: the camera, the demo buttons, or nothing (vision off: no Start that would fail on insert). */
  intake: z.enum(['camera', 'demo', 'none']),
  /** Who donated points go to (deposit.donationRecipient); null: the generic words. */
  donationRecipient: z.string().nullable(),
});

export const DEMO_ITEMS = ['bottle', 'can', 'other'] as const;
export type Catalogue = z.infer<typeof CatalogueSchema>;

const NoRequest = z.undefined();
/** Customers can choose these themselves; a member identity only comes from the platform's QR claim. */
const SelfIdentity = z.object({ kind: z.enum(['guest', 'donation', 'voucher']) });

export const depositContract = {
  state: call(NoRequest, DepositStateSchema),
  catalogue: call(NoRequest, CatalogueSchema),
  /** Demo mode only: a simulated item, as if the camera had seen it (refused unless deposit.demoItems). */
  demoItem: call(z.object({ kind: z.enum(DEMO_ITEMS) }), ItemResultSchema),
  start: call(NoRequest, DepositStateSchema),
  identify: call(SelfIdentity, DepositStateSchema),
  finish: call(NoRequest, DepositStateSchema),
  cancel: call(NoRequest, DepositStateSchema),
  /** Leaves the receipt screen before its countdown ends. */
  done: call(NoRequest, DepositStateSchema),
  session: event(DepositStateSchema),
  item: event(ItemResultSchema),
} as const;
