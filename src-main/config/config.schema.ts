import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { byGtin, GTIN_KEY, GTIN_RULE } from './gtin';
import { cidr } from './cidr';
import { MonitorSchema } from './monitor.schema';
import { PrinterConfigSchema } from './printer.schema';
import { VisionSchema } from './vision.schema';
import { VoucherSchema } from './voucher.schema';
import { isIanaZone, PlatformSchema } from './platform.schema';
import { ENVIRONMENTS, LOCALES, PERMISSIONS } from '../../src-preload/contract';

const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;

const RemoteSchema = z
  .object({
    /** 127.0.0.1 keeps remote maintenance on this machine; anything else needs token + allow-list. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    /** Bearer token for non-loopback access; at least 32 characters. Secret: never shown or logged. */
    token: z.string().min(32, 'must be at least 32 characters').optional(),
    allowCidrs: z.array(cidr).default([]),
    /** HTTPS for remote maintenance: PEM files readable by the kiosk user (the key is a secret file). */
    tls: z
      .object({
        certFile: z.string().startsWith('/', 'must be an absolute path to a PEM certificate'),
        keyFile: z.string().startsWith('/', 'must be an absolute path to a PEM private key'),
      })
      .strict()
      .optional(),
    /**
     * Beyond loopback the server speaks only TLS. true allows plain HTTP there, for a VPN that already
     * encrypts (WireGuard); the token still travels in every request.
     */
    plainHttp: z.boolean().default(false),
    /**
     * Host names (besides loopback and remote.host) that browsers may use to reach this server, e.g.
     * the kiosk's name on the operator's VPN. Any other Host header is refused (DNS rebinding).
     */
    hostNames: z
      .array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name such as rvm-01.vpn.example (no port)'))
      .default([]),
    /** WebSocket clients at once; one more is refused with 503 (a kiosk has a screen or two). */
    maxClients: z.number().int().min(1).max(10_000).default(32),
    /** Contract calls a second per WebSocket client (twice that in a burst); more are refused RATE_LIMITED. */
    callsPerSecond: z.number().int().min(1).max(10_000).default(50),
    /** New WebSocket connections a second, all clients together (twice that in a burst); more get 429. */
    connectionsPerSecond: z.number().int().min(1).max(10_000).default(20),
  })
  .strict()
  .superRefine((remote, ctx) => {
    if (isLoopbackHost(remote.host)) return;
    if (!remote.tls && !remote.plainHttp) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: `is required when remote.host is ${remote.host} (not loopback): set remote.tls.certFile and remote.tls.keyFile (or remote.plainHttp: true on an encrypted VPN)`,
      });
    }
    if (!remote.token) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `is required when remote.host is ${remote.host} (not loopback); set RVM_REMOTE__TOKEN`,
      });
    }
    if (remote.allowCidrs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowCidrs'],
        message: `must list at least one CIDR block when remote.host is ${remote.host} (not loopback)`,
      });
    }
  });

const MaterialSchema = z
  .object({
    points: z.number().int().min(0).max(10_000),
    /** Plausible weight of an empty item of this material; outside it the item is rejected. */
    minWeightG: z.number().nonnegative().optional(),
    maxWeightG: z.number().positive().optional(),
  })
  .strict()
  .refine((m) => m.minWeightG === undefined || m.maxWeightG === undefined || m.minWeightG < m.maxWeightG, {
    message: 'minWeightG must be below maxWeightG',
  });

const DepositSchema = z
  .object({
    timeouts: z
      .object({
        identifyingS: z.number().int().min(5).max(600).default(60),
        insertingS: z.number().int().min(10).max(900).default(90),
        receiptS: z.number().int().min(3).max(300).default(15),
      })
      .strict()
      .prefault({}),
    /** Points per accepted item, by material (the model manifest maps classes to materials). */
    materials: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'material names are lower_snake_case'), MaterialSchema)
      .refine((m) => Object.keys(m).length > 0, { message: 'must price at least one material' })
      .default({
        pet: { points: 10, minWeightG: 8, maxWeightG: 120 },
        aluminium: { points: 15, minWeightG: 8, maxWeightG: 60 },
      }),
    /** Points for specific barcodes (EAN/UPC), overriding the material's. */
    barcodePoints: z
      .record(z.string().regex(GTIN_KEY, GTIN_RULE), z.number().int().min(0).max(10_000))
      .default({})
      .transform(byGtin),
    /**
     * Below this much free space in the data folder no new session starts ("storage full"): a session
     * must be able to commit its items and close. Checked at each Start and while out of service.
     */
    minFreeMb: z.number().int().min(0).max(100_000).default(50),
    /**
     * Verdict frames waiting for upload (<data>/frames) stay under this many MB: during a long outage
     * the oldest are deleted first and their items upload with a stand-in picture.
     */
    framesMaxMb: z.number().int().min(1).max(100_000).default(200),
    /**
     * Demo only (npm run demo without a model): buttons on the insert screen put in a simulated bottle,
     * can or other item instead of the camera. Never on a machine in a shop.
     */
    demoItems: z.boolean().default(false),
    /** Named on the identify and receipt screens for a donation (e.g. "Bank Sampah Sudirman"). */
    donationRecipient: z.string().trim().min(1).max(80).optional(),
    /** While the platform is unreachable, credit is capped (fraud with a cut cable gains little). */
    /**
     * What one point is worth, shown next to points and carried on vouchers. Unset: Rp 10 with a MyRVM
     * platform (its published rate), none without one. null: never show money.
     */
    pointValue: z
      .object({
        amount: z.number().positive().max(1_000_000),
        currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as IDR or EUR'),
      })
      .strict()
      .nullable()
      .optional(),
    offlineCaps: z
      .object({
        sessionPoints: z.number().int().min(0).default(1000),
        dailyPoints: z.number().int().min(0).default(20_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const HardwareSchema = z
  .object({
    /** simulated: no moving parts (demo, tests); serial: NDJSON, protocol 1; esp32: rvm_app_esp32's ASCII lines (README). */
    driver: z.enum(['simulated', 'serial', 'esp32']).default('simulated'),
    /** The controller's device; a stable /dev/serial/by-id/… name survives replugging (or a PTY for the simulator). */
    serialPath: z
      .string()
      .startsWith('/', 'must be an absolute device path such as /dev/ttyUSB0 or /dev/serial/by-id/…')
      .default('/dev/ttyUSB0'),
    /** 115200: protocol 1's default, and the only speed rvm_app_esp32 speaks (fixed in its UART set-up). */
    baudRate: z.number().int().positive().default(115200),
    /** Bin level (percent) at or above which intake stops with "bin full". */
    binFullPercent: z.number().min(50).max(100).default(95),
  })
  .strict();

const PinHash = z
  .string()
  .regex(
    /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/,
    'must be a hash printed by `npm run maintenance -- hash-pin` (scrypt$N$r$p$salt$hash), not a PIN',
  );

const MaintenanceSchema = z
  .object({
    /** Technicians who may open maintenance on this machine without the platform (or when it is offline). */
    technicians: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(100),
            pinHash: PinHash,
            /** What this technician may do; all by default. */
            permissions: z.array(z.enum(PERMISSIONS)).default([...PERMISSIONS]),
          })
          .strict(),
      )
      .default([])
      .refine((list) => new Set(list.map((t) => t.name)).size === list.length, {
        message: 'technician names must be unique (the audit log tells them apart by name)',
      }),
    /** A maintenance session ends after this long without a touch or call. */
    idleMinutes: z.number().int().min(1).max(60).default(5),
    /** Wrong PINs in a row that lock the pad, and for how long. */
    lockout: z
      .object({
        attempts: z.number().int().min(3).max(20).default(5),
        minutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(15),
      })
      .strict()
      .prefault({}),
    /** Where removable drives are mounted: a diagnostics bundle is written only below these. */
    exportRoots: z
      .array(z.string().startsWith('/', 'must be an absolute path'))
      .default(['/media', '/run/media', '/mnt']),
  })
  .strict();

const BackupPlan = (everyMinutes: number, keepDays: number) =>
  z
    .object({
      everyMinutes: z
        .number()
        .int()
        .min(5)
        .max(7 * 24 * 60)
        .default(everyMinutes),
      keepDays: z.number().int().min(1).max(365).default(keepDays),
    })
    .strict()
    .prefault({});

const BackupSchema = z
  .object({
    /** Where archives go; empty means <data folder>/backups. */
    folder: z.string().default(''),
    /** Total size of the folder; over it the oldest go first (the newest verified database stays). */
    maxTotalMb: z.number().int().min(50).max(1_000_000).default(2048),
    database: BackupPlan(60, 7),
    /** Only when config.json changed since the last config backup. */
    config: BackupPlan(30, 30),
    logs: BackupPlan(24 * 60, 14),
  })
  .strict();

export const ConfigSchema = z
  .object({
    environment: z.enum(ENVIRONMENTS).default('production'),
    machine: z
      .object({
        name: z.string().trim().min(1).max(64).default('RVM Kiosk'),
        /**
         * This machine in voucher codes, exports, diagnostics and metrics labels. Unset: from provisioning
         * (v2 rvm id as RVM-<id>, v1 serial number), else RVM (config.loader).
         */
        id: z
          .string()
          .regex(/^[A-Z0-9-]{2,16}$/, 'must be 2–16 capital letters, digits or dashes')
          .default('RVM'),
        defaultLocale: z.enum(LOCALES).default('id'),
        /**
         * The IANA zone of every time the machine shows or prints (receipts, vouchers, exports). Unset:
         * platform.v2.timezone with a v2 platform, else the system's zone.
         */
        timeZone: z
          .string()
          .max(50)
          .refine(isIanaZone, 'must be an IANA time zone such as Asia/Jakarta (not WIB or +07:00)')
          .optional(),
      })
      .strict()
      .prefault({}),
    remote: RemoteSchema.prefault({}),
    /** The Electron kiosk's screen. */
    screen: z
      .object({
        /** Software rendering, for boards whose GPU driver crashes Chromium's GPU process. */
        disableGpu: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        maxFileMb: z.number().positive().max(100).default(5),
      })
      .strict()
      .prefault({}),
    heartbeat: z
      .object({ intervalMs: z.number().int().min(250).max(60_000).default(2000) })
      .strict()
      .prefault({}),
    deposit: DepositSchema.prefault({}),
    hardware: HardwareSchema.prefault({}),
    vision: VisionSchema.prefault({}),
    platform: PlatformSchema.prefault({}),
    maintenance: MaintenanceSchema.prefault({}),
    monitor: MonitorSchema.prefault({}),
    backup: BackupSchema.prefault({}),
    vouchers: VoucherSchema.prefault({}),
    printer: PrinterConfigSchema.prefault({}),
    setup: z
      .object({
        /**
         * A machine with no platform, no technician and no provisioned.json opens the first-boot setup
         * screen (README: Installing a kiosk). false: never (a machine set up by config alone).
         */
        enabled: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.output<typeof ConfigSchema>;

/** Paths of config values that are secrets: redacted in views and logs. */
export const SECRET_PATHS: readonly string[] = [
  'remote.token',
  'vouchers.till.token',
  'platform.v2.password',
  'platform.v2.apiKey',
  'monitor.alerts.webhookUrl',
  'monitor.alerts.webhookSecret',
  'monitor.alerts.email.password',
];

/** The zone the machine shows and prints times in (machine.timeZone, else the v2 platform's, else the system's). */
export function machineTimeZone(config: Pick<Config, 'machine' | 'platform'>): string {
  if (config.machine.timeZone) return config.machine.timeZone;
  if (config.platform.profile === 'v2') return config.platform.v2.timezone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  const addr = ipaddr.process(host);
  return addr.range() === 'loopback';
}
