// The double's HTTP helpers: Laravel-style replies and validation (422 `{message, errors}`).
import type { IncomingMessage } from 'node:http';
import type { ZodType } from 'zod';

/** An answer; thrown by a route to answer early. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function json(raw: Buffer): unknown {
  try {
    return raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    throw new Reply(400, { message: 'Malformed JSON body' });
  }
}

export async function formOf(req: IncomingMessage, raw: Buffer, field = 'image'): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) throw unprocessable({ [field]: [`The ${field} field is required.`] });
  return new Request('http://double/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
}

/** Laravel's 422: `{message, errors: {field: [messages]}}`. */
export function unprocessable(errors: Record<string, string[]>): Reply {
  const [first] = Object.values(errors);
  const more = Object.values(errors).flat().length - 1;
  return new Reply(422, {
    message: `${first?.[0]}${more > 0 ? ` (and ${more} more error${more > 1 ? 's' : ''})` : ''}`,
    errors,
  });
}

export function validate<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.join('.') || 'body';
    (errors[field] ??= []).push(`The ${field.replace(/_/g, ' ')} field is invalid: ${issue.message}.`);
  }
  throw unprocessable(errors);
}
