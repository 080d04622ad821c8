import { z } from 'zod';
import { LOCALES } from './app.contract';
import { action, call, event, view } from './define';

export const PRINTER_FAULTS = ['not_configured', 'offline', 'paper_out', 'cover_open', 'error', 'no_answer'] as const;
export type PrinterFault = (typeof PRINTER_FAULTS)[number];

/** The receipt printer as last seen (status asked every 30 s, every 5 s while faulted, and around each print). */
export const PrinterStateSchema = z.object({
  configured: z.boolean(),
  kind: z.enum(['none', 'usb', 'serial', 'tcp']),
  connected: z.boolean(),
  fault: z.enum(PRINTER_FAULTS).nullable(),
  detail: z.string().nullable(),
  paperLow: z.boolean(),
  lastPrintAt: z.number().nullable(),
  checkedAt: z.number().nullable(),
});
export type PrinterState = z.infer<typeof PrinterStateSchema>;

/** A receipt being printed for a session: the receipt screen shows it; a failure shows the voucher on screen. */
export const PrintJobSchema = z.object({
  sessionId: z.string(),
  state: z.enum(['printing', 'printed', 'failed']),
  /** Why it failed, for technicians ("paper out"); customers get plain words by state. */
  fault: z.enum(PRINTER_FAULTS).nullable(),
  detail: z.string().nullable(),
});
export type PrintJob = z.infer<typeof PrintJobSchema>;

export const VOUCHER_FILTERS = ['all', 'open', 'redeemed'] as const;

export const VoucherRowSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  number: z.string().nullable(),
  points: z.number().int().nonnegative(),
  value: z.object({ amount: z.number(), currency: z.string() }).nullable(),
  createdAt: z.number(),
  expiresAt: z.number(),
  redeemedAt: z.number().nullable(),
  redeemedBy: z.string().nullable(),
  printedAt: z.number().nullable(),
});
export type VoucherListRow = z.infer<typeof VoucherRowSchema>;

export const VoucherListSchema = z.object({
  rows: z.array(VoucherRowSchema),
  issued: z.number().int().nonnegative(),
  redeemed: z.number().int().nonnegative(),
  /** Points on vouchers not redeemed yet (expired ones included). */
  openPoints: z.number().int().nonnegative(),
});

export const PublicKeySchema = z.object({
  machineId: z.string(),
  pem: z.string(),
  /** RVMKEY1.<machine id>.<key>: the line a till is configured with (also shown as a QR code). */
  line: z.string(),
  fingerprint: z.string(),
});

const SessionRef = z.object({ sessionId: z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'a session id') });

export const payoutContract = {
  /** The customer's "print a receipt" on the receipt screen (only for the receipt shown now). */
  printReceipt: call(SessionRef.extend({ locale: z.enum(LOCALES).optional() }), PrintJobSchema),
  /** Each print's progress. */
  print: event(PrintJobSchema),
  printer: view('view_status', z.undefined(), PrinterStateSchema),
  printerChanged: event(PrinterStateSchema),
  testPage: action('test_hardware', z.undefined(), PrintJobSchema),
  /** A receipt again (marked REPRINT), e.g. after the paper ran out. */
  reprint: action('view_status', SessionRef, PrintJobSchema),
  vouchers: view(
    'view_status',
    z.object({
      filter: z.enum(VOUCHER_FILTERS).default('all'),
      limit: z.number().int().min(1).max(500).default(50),
      offset: z.number().int().min(0).default(0),
    }),
    VoucherListSchema,
  ),
  /** Every voucher issued in [from, to) as CSV on a removable drive below maintenance.exportRoots. */
  exportVouchers: action(
    'view_logs',
    z.object({ target: z.string().min(1), from: z.number().default(0), to: z.number().optional() }),
    z.object({ path: z.string(), rows: z.number().int().nonnegative() }),
  ),
  publicKey: view('view_status', z.undefined(), PublicKeySchema),
} as const;
