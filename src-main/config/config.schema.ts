import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ENVIRONMENTS, LOCALES } from '../../src-preload/contract';

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
  })
  .strict()
  .superRefine((remote, ctx) => {
    if (isLoopbackHost(remote.host)) return;
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

export const ConfigSchema = z
  .object({
    environment: z.enum(ENVIRONMENTS).default('production'),
    machine: z
      .object({
        name: z.string().trim().min(1).max(64).default('RVM Kiosk'),
        defaultLocale: z.enum(LOCALES).default('id'),
      })
      .strict()
      .prefault({}),
    remote: RemoteSchema.prefault({}),
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
  })
  .strict();

export type Config = z.output<typeof ConfigSchema>;

/** Paths of config values that are secrets: redacted in views and logs. */
export const SECRET_PATHS: readonly string[] = ['remote.token'];

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  const addr = ipaddr.process(host);
  return addr.range() === 'loopback';
}
