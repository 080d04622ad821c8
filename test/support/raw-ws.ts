// A WebSocket client over a bare TCP socket, so tests can send what no well-behaved client would:
// oversized, unmasked, reserved-opcode and invalid UTF-8 frames (RFC 6455 §5).
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawFrameOptions {
  readonly fin?: boolean;
  readonly rsv?: number;
  readonly mask?: boolean;
  /** A declared length other than the payload's (an oversized header with a short body). */
  readonly declaredLength?: number;
}

export interface RawWs {
  readonly socket: Socket;
  /** The HTTP status line of the handshake answer ("HTTP/1.1 101 Switching Protocols"). */
  readonly status: string;
  /** The handshake answer's body, when the server refused (its reason). */
  readonly body: string;
  /** Text messages received, parsed as JSON where they are. */
  readonly messages: unknown[];
  /** The close code the server sent (undefined: the connection ended without one). */
  readonly closed: Promise<number | undefined>;
  sendFrame(opcode: number, payload: Buffer | string, options?: RawFrameOptions): void;
  sendText(text: string): void;
  /** Resolves with the first message (received so far or later) that matches. */
  waitFor(match: (message: unknown) => boolean): Promise<unknown>;
  /** Stops reading from the socket (a stalled client); the server's sends pile up. */
  stopReading(): void;
  end(): void;
}

export function encodeFrame(opcode: number, payload: Buffer, options: RawFrameOptions = {}): Buffer {
  const { fin = true, rsv = 0, mask = true } = options;
  const length = options.declaredLength ?? payload.length;
  const header: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) {
    header.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(length);
  } else {
    header.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(BigInt(length));
  }
  if (!mask) return Buffer.concat([Buffer.from(header), extended, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(header), extended, key, masked]);
}

export async function openRawWs(
  port: number,
  headers: { host?: string; origin?: string; path?: string } = {},
): Promise<RawWs> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const lines = [
    `GET ${headers.path ?? '/ws'} HTTP/1.1`,
    `Host: ${headers.host ?? `127.0.0.1:${port}`}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(headers.origin ? [`Origin: ${headers.origin}`] : []),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);

  const messages: unknown[] = [];
  const waiting = new Set<{ match: (m: unknown) => boolean; resolve: (m: unknown) => void }>();
  const received = (message: unknown) => {
    messages.push(message);
    for (const w of waiting) {
      if (w.match(message)) {
        waiting.delete(w);
        w.resolve(message);
      }
    }
  };
  let buffer = Buffer.alloc(0);
  let handshake: { status: string; body: string } | undefined;
  let resolveHandshake: (value: { status: string; body: string }) => void = () => {};
  const handshakeDone = new Promise<{ status: string; body: string }>((resolve) => (resolveHandshake = resolve));
  let closeCode: number | undefined;
  const closed = new Promise<number | undefined>((resolve) => socket.once('close', () => resolve(closeCode)));
  // A refusal's body is whatever came after its head, until the server closed.
  socket.on('close', () =>
    resolveHandshake(
      handshake ? { status: handshake.status, body: buffer.toString() } : { status: '(closed)', body: '' },
    ),
  );

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!handshake) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const status = buffer.subarray(0, end).toString().split('\r\n')[0]!;
      buffer = buffer.subarray(end + 4);
      handshake = { status, body: '' };
      if (status.includes(' 101 ')) resolveHandshake(handshake);
    }
    if (!handshake.status.includes(' 101 ')) return;
    // Server frames are never masked.
    while (buffer.length >= 2) {
      const opcode = buffer[0]! & 0x0f;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      if (opcode === 0x1) {
        const text = payload.toString();
        let message: unknown = text;
        try {
          message = JSON.parse(text);
        } catch {
          // Not JSON: kept as text.
        }
        received(message);
      } else if (opcode === 0x8) {
        closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
        // Answer the close as a client must, so the server need not wait for its close timeout.
        if (!socket.destroyed) socket.end(encodeFrame(0x8, payload.subarray(0, 2)));
      } else if (opcode === 0x9) {
        socket.write(encodeFrame(0xa, payload));
      }
    }
  });

  const sendFrame = (opcode: number, payload: Buffer | string, options?: RawFrameOptions) => {
    if (!socket.destroyed) socket.write(encodeFrame(opcode, Buffer.from(payload), options));
  };
  const { status, body } = await handshakeDone;
  return {
    socket,
    status,
    body,
    messages,
    closed,
    sendFrame,
    sendText: (text) => sendFrame(0x1, Buffer.from(text)),
    waitFor(match) {
      const found = messages.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiting.add({ match, resolve }));
    },
    stopReading() {
      socket.pause();
      socket.removeAllListeners('data');
    },
    end() {
      socket.destroy();
    },
  };
}
