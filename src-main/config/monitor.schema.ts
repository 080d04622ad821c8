import { z } from 'zod';

/** The metrics an alert rule may watch (the contract's MetricsSample, less the time). */
export const ALERT_METRICS = [
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
  'printerFault',
  'printerPaperLow',
  'configFault',
  'itemsPerHour',
  'deliveryFailuresPerHour',
  'detectorErrorsPerHour',
  'rejectRatio',
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
  'printer_fault',
  'printer_paper_low',
  'delivery_failures',
  'detector_errors',
  'reject_ratio',
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

/** `monitor`: sampling and the alert rules (src-main/monitor/alert-rules.ts holds the defaults). */
export const MonitorSchema = z
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
        /**
         * Signs each webhook body: header X-RVM-Signature: sha256=<HMAC-SHA256 of the body, hex>, so the
         * receiver knows it came from this machine. Secret: prefer RVM_MONITOR__ALERTS__WEBHOOK_SECRET.
         */
        webhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
        /** E-mail for each alert that fires or resolves, through the operator's mail server. */
        email: z
          .object({
            host: z.string().min(1),
            /** 587 with STARTTLS (secure: false), 465 with TLS from the start (secure: true). */
            port: z.number().int().min(1).max(65535).default(587),
            secure: z.boolean().default(false),
            /** Refuse to send without TLS (STARTTLS on 587): credentials never cross in the clear. */
            requireTls: z.boolean().default(true),
            user: z.string().min(1).optional(),
            /** Secret: prefer RVM_MONITOR__ALERTS__EMAIL__PASSWORD. */
            password: z.string().min(1).optional(),
            from: z.email('must be an e-mail address such as rvm-07@example.com'),
            to: z.array(z.email('must be e-mail addresses')).min(1, 'must list at least one recipient'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AlertMetric = (typeof ALERT_METRICS)[number];
export type AlertRuleConfig = z.output<typeof AlertRuleSchema>;
