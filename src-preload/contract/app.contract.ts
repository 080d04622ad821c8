import { z } from 'zod';
import { call, event } from './define';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export const LOCALES = ['id', 'en'] as const;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  environment: z.enum(ENVIRONMENTS),
  machineName: z.string(),
  defaultLocale: z.enum(LOCALES),
  /** The IANA zone every time on the screens is shown in (the machine's, not the viewer's browser's). */
  timeZone: z.string(),
  runtime: z.enum(['electron', 'headless']),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  platform: z.string(),
  arch: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** The effective configuration with every secret replaced by whether it is set. */
export const ConfigViewSchema = z.object({
  path: z.string(),
  loadedFromFile: z.boolean(),
  overriddenByEnv: z.array(z.string()),
  values: z.record(z.string(), z.unknown()),
});
export type ConfigView = z.infer<typeof ConfigViewSchema>;

export const HEALTH_STATUSES = ['ok', 'degraded', 'out_of_service'] as const;
export const HealthCheckSchema = z.object({
  name: z.string(),
  status: z.enum(HEALTH_STATUSES),
  detail: z.string(),
});
export const HealthSchema = z.object({
  status: z.enum(HEALTH_STATUSES),
  checks: z.array(HealthCheckSchema),
  uptimeS: z.number().nonnegative(),
  eventLoopLagP99Ms: z.number().nonnegative(),
  rssMb: z.number().nonnegative(),
});
export type Health = z.infer<typeof HealthSchema>;
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

export const HeartbeatSchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.string(),
  status: z.enum(HEALTH_STATUSES),
  /** Reasons of every check that is not ok, for the customer-facing indicator. */
  reasons: z.array(z.string()),
  intervalMs: z.number().int().positive(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

const NoRequest = z.undefined();

export const appContract = {
  info: call(NoRequest, AppInfoSchema),
  configView: call(NoRequest, ConfigViewSchema),
  health: call(NoRequest, HealthSchema),
  heartbeat: event(HeartbeatSchema),
} as const;
