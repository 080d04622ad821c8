import { z } from 'zod';

export const WASTE_TYPES = ['plastic', 'glass', 'metal', 'paper', 'mixed'] as const;

// Requests, as the v2 server validates them (PLATFORM-API.md).
export const LoginRequest = z.object({ email: z.email(), password: z.string().min(6) });
export const ClaimRequest = z.object({
  rvm_id: z.number().int(),
  device_name: z.string(),
  software_version: z.string(),
  timezone: z.string().max(100),
});
export const DepositRequest = z.object({
  rvm_id: z.number().int(),
  session_token: z.string().max(255).optional(),
  waste_type: z.enum(WASTE_TYPES),
  weight: z.number().min(0.001).max(100),
  quantity: z.number().int().min(1).max(1000),
  image_data: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()),
});
export const ProcessRequest = z.object({
  status: z.enum(['completed', 'rejected']),
  rejection_reason: z.string().max(500).optional(),
  final_reward_amount: z.number().nonnegative().optional(),
});
export const RvmRef = z.object({ rvm_id: z.number().int() });
export const MetricsRequest = z.object({
  system_metrics: z.object({
    cpu_usage: z.number().nullable(),
    memory_usage: z.number().nullable(),
    disk_usage: z.number().nullable(),
    gpu_usage: z.number().nullable(),
    temperature: z.number().nullable(),
  }),
  application_metrics: z.object({
    software_version: z.string(),
    ai_model_version: z.string().nullable(),
    uptime_seconds: z.number().int().nonnegative(),
    deposit_count_since_restart: z.number().int().nonnegative(),
    error_count: z.number().int().nonnegative(),
    warning_count: z.number().int().nonnegative(),
  }),
  network_info: z.object({}).loose(),
});
export const TimezoneRequest = z.object({
  device_id: z.string().min(1).max(100),
  timezone: z.string().min(1).max(50),
  timestamp: z.string(),
  sync_method: z.enum(['automatic', 'manual']),
});

export const DetectionRequest = z.object({
  rvm_id: z.number().int(),
  image_path: z.string().min(1),
  detections: z.array(
    z.object({
      class: z.string().min(1),
      confidence: z.number().min(0).max(1),
      bbox: z.array(z.number()).length(4),
      /** The item's outline, [x, y] points in the image's pixels; null without a segmentation model. */
      segmentation_mask: z.array(z.tuple([z.number(), z.number()])).nullable(),
    }),
  ),
  status: z.enum(['completed', 'processing', 'processing_requested', 'failed']),
  timestamp: z.string(),
  processing_time: z.number().nonnegative().optional(),
  model_version: z.string().optional(),
});

export const EngineRequest = z.object({
  name: z.string().min(1).max(255),
  type: z.enum(['nvidia_cuda', 'jetson_edge']),
  server_address: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
  model_path: z.string().optional(),
  processing_timeout: z.number().int().min(1).max(300),
  auto_failover: z.boolean(),
  is_active: z.boolean(),
});

/** PATCH /rvm/self/update: each field optional; the kiosk sends what changed. */
export const SelfUpdateRequest = z.object({
  ip_address: z.union([z.ipv4(), z.ipv6()]).optional(),
  timezone: z.string().min(1).max(100).optional(),
});
export const ActivateGuestRequest = z.object({ session_token: z.string().min(1) });

// Answers (only what the kiosk uses; unknown fields are allowed).
export const RvmStatusData = z
  .object({ rvm_id: z.union([z.number(), z.string()]), rvm_name: z.string().optional(), current_status: z.string() })
  .loose();
export const UploadData = z.object({ file_path: z.string().min(1) });
export const LoginData = z.object({ token: z.string().min(1) });
export const DepositData = z.object({ deposit_id: z.union([z.number(), z.string()]) });
export const CreateData = z.object({ session_token: z.string().min(1), expires_at: z.string().optional() });
export const StatusData = z.object({
  status: z.enum(['active', 'claimed', 'expired']),
  user_id: z.union([z.number(), z.string()]).nullish(),
  user_name: z.string().nullish(),
});

/** What a v2 item delivery has finished so far (kept in the outbox between attempts). */
export const ItemProgress = z.object({
  filePath: z.string().optional(),
  depositId: z.union([z.number(), z.string()]).optional(),
  processed: z.boolean().optional(),
});
export type ItemProgress = z.infer<typeof ItemProgress>;
