import { z } from 'zod';
import type { HardwarePart } from './hardware';

/**
 * The kiosk ↔ controller protocol, version 1: newline-delimited JSON over a serial line. The written
 * description a firmware developer implements is resources/controller-protocol.md; this file is the
 * same thing as code, shared by the driver (serial.hardware.ts) and the reference simulator.
 */
export const PROTOCOL_VERSION = 1;

export type Command = 'hello' | 'status' | 'accept' | 'return' | 'reset_bin' | `test_${HardwarePart}`;

/** How long the controller has to answer each command (ms). */
export const COMMAND_TIMEOUT_MS: Readonly<Record<Command, number>> = {
  hello: 1_000,
  status: 1_000,
  accept: 6_000,
  return: 6_000,
  reset_bin: 2_000,
  test_door: 15_000,
  test_conveyor: 15_000,
  test_led: 15_000,
  test_sensors: 15_000,
};

/** A board that resets when its port opens (an Arduino) may take this long to answer its first hello. */
export const BOOT_MS = 5_000;

/** Error and fault codes, with the words technicians and logs see. Unknown codes are shown as sent. */
export const ERROR_CODES = {
  door_jammed: 'door jammed',
  conveyor_stalled: 'conveyor stalled',
  chamber_blocked: 'chamber blocked',
  bin_full: 'bin full',
  sensor_fault: 'sensor fault',
  busy: 'controller busy',
  unknown_command: 'command not known to the firmware',
  bad_request: 'malformed command',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export const describeCode = (code: string): string => ERROR_CODES[code as ErrorCode] ?? code;

const Status = {
  binPercent: z.number().min(0).max(100),
  weightG: z.number().nonnegative().nullable().optional(),
  door: z.enum(['open', 'closed', 'jammed']).optional(),
  /** Null (or absent) when the controller is healthy; else an error code that holds until it clears. */
  fault: z.string().max(64).nullable().optional(),
};

/** Every line the controller may send. */
export const ControllerLine = z.union([
  z.object({
    id: z.number().int(),
    ok: z.boolean(),
    error: z.string().max(200).optional(),
    /** hello only: the protocol version and firmware the board speaks. */
    protocol: z.number().int().optional(),
    firmware: z.string().max(100).optional(),
  }),
  z.object({ event: z.literal('status'), ...Status }),
  /** Sent by the board once after it (re)boots. */
  z.object({
    event: z.literal('ready'),
    protocol: z.number().int().optional(),
    firmware: z.string().max(100).optional(),
  }),
]);
export type ControllerLine = z.infer<typeof ControllerLine>;
export type StatusEvent = Extract<ControllerLine, { event: 'status' }>;

/** Every line the kiosk sends. */
export const KioskLine = z.object({ id: z.number().int().positive(), cmd: z.string().min(1).max(32) });
export type KioskLine = z.infer<typeof KioskLine>;
