import { z } from 'zod';

/**
 * The WebSocket framing of the contract (headless mode, remote maintenance, browser tests).
 * Every client message carries an id; the server answers each with one `result`.
 */
export const WS_PATH = '/ws';

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), channel: z.string(), payload: z.unknown().optional() }),
  z.object({ type: z.literal('subscribe'), id: z.number().int(), channel: z.string() }),
  z.object({ type: z.literal('unsubscribe'), id: z.number().int(), channel: z.string() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int().nullable(), result: z.unknown() }),
  z.object({ type: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
