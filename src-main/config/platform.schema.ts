import { z } from 'zod';

/** An IANA zone name (Area/Location, or UTC) that this runtime's Intl knows; abbreviations and offsets are not. */
export function isIanaZone(zone: string): boolean {
  if (!zone.includes('/') && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A secret string: present and non-empty, or absent. */
const secret = (what: string) => z.string().min(1, `${what} must not be empty`).optional();

/** `platform`: which MyRVM server generation, where, and its credentials (PLATFORM-API.md). */
export const PlatformSchema = z
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
        /** An IANA zone (Asia/Jakarta, Asia/Makassar, Asia/Jayapura …), as Intl knows them. */
        timezone: z
          .string()
          .max(50)
          .refine(isIanaZone, 'must be an IANA time zone such as Asia/Jakarta (not WIB or +07:00)')
          .default('Asia/Jakarta'),
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
