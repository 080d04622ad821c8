import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ENVIRONMENTS, LOCALES, PERMISSIONS } from '../../src-preload/contract';

const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;

const cidr = z.string().refine(
  (value) => {
    try {
      ipaddr.parseCIDR(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a CIDR block such as 10.8.0.0/24 or 192.168.1.10/32' },
);

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
      .record(
        z.string().regex(/^\d{8,14}$/, 'keys are EAN/UPC barcodes (8–14 digits)'),
        z.number().int().min(0).max(10_000),
      )
      .default({}),
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
    /** While the platform is unreachable, credit is capped (fraud with a cut cable gains little). */
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
    /** simulated: no moving parts (demo, tests); serial: a controller speaking NDJSON (README). */
    driver: z.enum(['simulated', 'serial']).default('simulated'),
    /** The controller's device; a stable /dev/serial/by-id/… name survives replugging (or a PTY for the simulator). */
    serialPath: z
      .string()
      .startsWith('/', 'must be an absolute device path such as /dev/ttyUSB0 or /dev/serial/by-id/…')
      .default('/dev/ttyUSB0'),
    baudRate: z.number().int().positive().default(115200),
    /** Bin level (percent) at or above which intake stops with "bin full". */
    binFullPercent: z.number().min(50).max(100).default(95),
  })
  .strict();

const CameraSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('v4l2'),
      device: z.string().startsWith('/dev/', 'must be a device path such as /dev/video0').default('/dev/video0'),
      width: z.number().int().positive().default(1280),
      height: z.number().int().positive().default(720),
      fps: z.number().int().min(1).max(60).default(15),
      /**
       * What the camera is asked to send: mjpeg (most USB cameras at 720p and up), yuyv422 (raw, for
       * cameras that offer nothing else), or auto: mjpeg, and raw if the camera refuses it.
       */
      inputFormat: z.enum(['auto', 'mjpeg', 'yuyv422']).default('auto'),
    })
    .strict(),
  z.object({ kind: z.literal('stream'), url: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('replay'),
      folder: z.string().min(1),
      fps: z.number().min(0.1).max(60).default(5),
      loop: z.boolean().default(true),
    })
    .strict(),
]);

const VisionSchema = z
  .object({
    /** Off only for machines without a camera (tests, UI work); a kiosk needs it to take items. */
    enabled: z.boolean().default(true),
    /** The model manifest; empty means <data folder>/models/manifest.json. */
    manifest: z.string().default(''),
    camera: CameraSchema.default({
      kind: 'v4l2',
      device: '/dev/video0',
      width: 1280,
      height: 720,
      fps: 15,
      inputFormat: 'auto',
    }),
    /** onnxruntime threads in the worker; leave one core to main and ffmpeg. */
    threads: z.number().int().min(1).max(16).default(1),
    /**
     * Dynamically quantised (ConvInteger) models: `auto` times the model as it is and dequantised to
     * float at load and runs the faster; `keep` and `float` force one.
     */
    integerConvs: z.enum(['auto', 'keep', 'float']).default('auto'),
    /** The chamber floor, as fractions of the frame, for the presence gate. */
    region: z
      .object({
        x: z.number().min(0).max(1).default(0),
        y: z.number().min(0).max(1).default(0),
        w: z.number().gt(0).max(1).default(1),
        h: z.number().gt(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    hangMs: z.number().int().min(1000).max(60_000).default(10_000),
    /** Barcode → material. When not empty, an eligible barcode accepts an item the model is unsure of; others reject. */
    eligibleBarcodes: z
      .record(z.string().regex(/^\d{13}$/, 'keys are 13-digit EAN codes (UPC-A with a leading 0)'), z.string().min(1))
      .default({}),
  })
  .strict();

/** A secret string: present and non-empty, or absent. */
const secret = (what: string) => z.string().min(1, `${what} must not be empty`).optional();

const PlatformSchema = z
  .object({
    /** none: no platform (offline machine, demos); v1 / v2: the MyRVM server generation (PLATFORM-API.md). */
    profile: z.enum(['none', 'v1', 'v2']).default('none'),
    /** The server's base address, e.g. https://myrvm.example.id (no /api suffix). */
    baseUrl: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) address such as https://myrvm.example.id' })
      .default('http://127.0.0.1:8000'),
    /** One request's time limit. */
    timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
    /** v1 heartbeat / v2 metrics interval. */
    heartbeatS: z.number().int().min(5).max(3600).default(30),
    /** QR claim polling interval (the WebSocket, when up, is faster). */
    pollMs: z.number().int().min(250).max(30_000).default(2000),
    /** Outbox jobs delivered at the same time (always in order within one session). */
    concurrency: z.number().int().min(1).max(32).default(4),
    /** Retry back-off: base × 2^attempt with full jitter, capped. */
    backoff: z
      .object({
        baseMs: z.number().int().min(50).max(60_000).default(1000),
        maxMs: z.number().int().min(1000).max(3_600_000).default(300_000),
      })
      .strict()
      .prefault({}),
    /** Live events (Pusher protocol: the server's Reverb/Pusher). Without a key the kiosk polls only. */
    live: z
      .object({
        /** The Pusher app key (the `/app/{key}` of the socket address); empty: polling only. */
        key: z.string().default(''),
        /**
         * The socket server, e.g. wss://myrvm.example.id:8080. v1 takes it from the handshake when empty;
         * v2 needs it.
         */
        url: z
          .union([
            z.literal(''),
            z.url({
              protocol: /^(wss?|https?)$/,
              message: 'must be a ws(s):// address such as wss://myrvm.example.id:8080',
            }),
          ])
          .default(''),
      })
      .strict()
      .prefault({}),
    v1: z
      .object({
        /** The provisioning file an admin downloads; empty means <data folder>/rvm-credentials.json. */
        credentialsFile: z.string().default(''),
      })
      .strict()
      .prefault({}),
    v2: z
      .object({
        rvmId: z.number().int().positive().optional(),
        email: z.email('must be the machine account e-mail').optional(),
        /** Secret: prefer RVM_PLATFORM__V2__PASSWORD. */
        password: secret('platform.v2.password'),
        /** The per-machine key for /rvm/self/*. Secret: prefer RVM_PLATFORM__V2__API_KEY. */
        apiKey: secret('platform.v2.apiKey'),
        timezone: z.string().max(50).default('Asia/Jakarta'),
        /** Material (deposit.materials) → the platform's waste type. */
        wasteTypes: z
          .record(z.string(), z.enum(['plastic', 'glass', 'metal', 'paper', 'mixed']))
          .default({ pet: 'plastic', aluminium: 'metal' }),
        /**
         * Register this machine's detector as a processing engine at start (then ping it). Off by
         * default: the platform's engine types are GPU servers (nvidia_cuda, jetson_edge); say which
         * one this machine is, and the address the platform can reach it at.
         */
        processingEngine: z
          .object({
            register: z.boolean().default(false),
            name: z.string().min(1).max(255).optional(),
            type: z.enum(['nvidia_cuda', 'jetson_edge']).default('jetson_edge'),
            serverAddress: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IP address' }).optional(),
            port: z.number().int().min(1).max(65535).default(8001),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.profile !== 'v2') return;
    for (const key of ['rvmId', 'email', 'password'] as const) {
      if (p.v2[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['v2', key], message: 'is required with platform.profile = v2' });
      }
    }
    if (p.v2.processingEngine.register && !p.v2.processingEngine.serverAddress) {
      ctx.addIssue({
        code: 'custom',
        path: ['v2', 'processingEngine', 'serverAddress'],
        message: 'is required with processingEngine.register = true (the IP the platform reaches this machine at)',
      });
    }
  });

/** `scrypt$N$r$p$salt$hash` as printed by `npm run maintenance -- hash-pin` (never the PIN itself). */
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

const ALERT_METRICS = [
  'cpuPercent',
  'memoryPercent',
  'diskPercent',
  'temperatureC',
  'inferenceMs',
  'workerInferenceMs',
  'verdictLatencyMs',
  'detectionsPerS',
  'droppedFramesPerMin',
  'workerRestarts10m',
  'workerUnstable',
  'cameraDown',
  'chamberViewOccupied',
  'eventLoopLagMs',
  'outboxBacklog',
  'outboxOldestAgeS',
  'platformDown',
  'binLevelPercent',
  'hardwareFault',
  'storageFault',
  'configFault',
  'itemsPerHour',
  'backupUsePercent',
  'backupAgeH',
] as const;

/** The ids of the default alert rules (src-main/monitor/alert-rules.ts); config may change these by id. */
export const DEFAULT_ALERT_RULE_IDS = [
  'cpu_warning',
  'cpu_critical',
  'memory_warning',
  'memory_critical',
  'disk_warning',
  'temperature_warning',
  'worker_unstable',
  'worker_restarts',
  'camera_lost',
  'chamber_view_occupied',
  'outbox_stale',
  'platform_unreachable',
  'hardware_fault',
  'storage_fault',
  'bin_nearly_full',
  'bin_full',
  'backup_space',
  'backup_stale',
] as const;

const AlertRuleSchema = z
  .object({
    enabled: z.boolean().optional(),
    metric: z.enum(ALERT_METRICS).optional(),
    op: z.enum(['>', '>=', '<', '<=']).optional(),
    threshold: z.number().optional(),
    /** The condition must hold this long before the alert fires. */
    forS: z.number().int().min(0).max(86_400).optional(),
    /** After it resolves, the same alert does not fire again for this long (no flapping). */
    cooldownS: z.number().int().min(0).max(86_400).optional(),
    severity: z.enum(['warning', 'critical']).optional(),
    /** What the technician reads on the dashboard. */
    title: z.string().min(1).max(120).optional(),
  })
  .strict();

const MonitorSchema = z
  .object({
    /** How often system and app metrics are sampled. */
    sampleS: z.number().int().min(1).max(300).default(5),
    alerts: z
      .object({
        /**
         * Changes to the default rules (by id, e.g. {"cpu_warning": {"threshold": 85}}) and new rules (a new id
         * with metric, op and threshold). README lists the defaults.
         */
        rules: z
          .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'rule ids are lower_snake_case'), AlertRuleSchema)
          .default({})
          .superRefine((rules, ctx) => {
            for (const [id, rule] of Object.entries(rules)) {
              if ((DEFAULT_ALERT_RULE_IDS as readonly string[]).includes(id) || rule.enabled === false) continue;
              for (const key of ['metric', 'op', 'threshold'] as const) {
                if (rule[key] === undefined) {
                  ctx.addIssue({
                    code: 'custom',
                    path: [id, key],
                    message: `is required for a new rule (default rules: ${DEFAULT_ALERT_RULE_IDS.join(', ')})`,
                  });
                }
              }
            }
          }),
        /** POSTed a JSON body when an alert fires or resolves. Secret (it may carry a token): never shown. */
        webhookUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) address' }).optional(),
      })
      .strict()
      .prefault({}),
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
        /** Short id printed in voucher ids (e.g. RVM01-01J…); letters, digits and dashes. */
        id: z
          .string()
          .regex(/^[A-Z0-9-]{2,16}$/, 'must be 2–16 capital letters, digits or dashes')
          .default('RVM'),
        defaultLocale: z.enum(LOCALES).default('id'),
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
  'platform.v2.password',
  'platform.v2.apiKey',
  'monitor.alerts.webhookUrl',
];
export { ALERT_METRICS };
export type AlertMetric = (typeof ALERT_METRICS)[number];
export type AlertRuleConfig = z.output<typeof AlertRuleSchema>;

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  const addr = ipaddr.process(host);
  return addr.range() === 'loopback';
}
