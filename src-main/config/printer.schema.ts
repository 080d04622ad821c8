import { z } from 'zod';

/** Where a receipt printer's device file is on most Linux systems (the usblp driver). */
export const DEFAULT_USB_PRINTER = '/dev/usb/lp0';

/** Text columns of font A (12×24 dots) on each paper width. */
export const PRINTER_COLUMNS = { 58: 32, 80: 48 } as const;

/**
 * `printer`: an ESC/POS thermal receipt printer (src-main/printer/). kind none prints nothing and the
 * voucher is shown on screen only.
 */
export const PrinterConfigSchema = z
  .object({
    /** none; usb (a /dev/usb/lp* device file); serial (RS-232 or a USB serial adapter); tcp (a network printer). */
    kind: z.enum(['none', 'usb', 'serial', 'tcp']).default('none'),
    /** usb: the device file (default /dev/usb/lp0); serial: the port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…. */
    device: z
      .string()
      .startsWith('/', 'must be an absolute device path such as /dev/usb/lp0 or /dev/ttyUSB0')
      .optional(),
    /** serial only: the printer's baud rate (its self-test page prints it). */
    baudRate: z.number().int().positive().default(19200),
    /** tcp only: the printer's address (its self-test page prints it). */
    host: z.string().min(1, 'must not be empty: the printer’s IP address or host name').optional(),
    /** tcp only: the raw printing port (JetDirect). */
    port: z.number().int().min(1).max(65_535).default(9100),
    /** Paper width: 58 mm has 32 columns, 80 mm has 48 (font A). */
    widthMm: z.literal([58, 80], { error: 'must be 58 or 80 (the paper roll’s width in mm)' }).default(80),
    /** How long the printer may take to answer a status request before it counts as not answering. */
    statusTimeoutMs: z.number().int().min(100).max(10_000).default(1000),
    /** Lines printed at the bottom of every receipt (e.g. the operator's phone number). */
    footer: z.array(z.string().max(PRINTER_COLUMNS[80])).max(10).default([]),
    /** A voucher is printed by itself at the end of a voucher session (false: only on request). */
    voucherAutoPrint: z.boolean().default(true),
  })
  .strict()
  .superRefine((printer, ctx) => {
    if (printer.kind === 'tcp' && printer.host === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message:
          'is required when printer.kind is tcp: set printer.host to the printer’s IP address (its self-test page prints it)',
      });
    }
    if (printer.kind === 'serial' && printer.device === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['device'],
        message:
          'is required when printer.kind is serial: set printer.device to the port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…',
      });
    }
  })
  .transform((printer) => ({
    ...printer,
    device: printer.device ?? (printer.kind === 'usb' ? DEFAULT_USB_PRINTER : undefined),
  }));

export type PrinterConfig = z.output<typeof PrinterConfigSchema>;
