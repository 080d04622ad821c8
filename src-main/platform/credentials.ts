import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-file';

/** The v1 provisioning file an admin downloads from the platform. */
export const V1CredentialsSchema = z.object({
  serial_number: z.string().min(1).max(100),
  api_key: z.string().regex(/^[A-Za-z0-9]{64}$/, 'must be the 64-character machine key'),
  name: z.string().min(1).max(255),
  generated_at: z.string().optional(),
});
export type V1Credentials = z.infer<typeof V1CredentialsSchema>;

export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

/** Reads and checks a credentials file; the message names the file and the problem, never the key. */
export function readV1Credentials(path: string): V1Credentials {
  if (!existsSync(path)) {
    throw new CredentialsError(
      `no platform credentials at ${path}: import rvm-credentials.json from the platform (maintenance → platform, or npm run platform -- import <file>)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CredentialsError(
      `${path} is not JSON (${(error as Error).message}); download it again from the platform`,
    );
  }
  const parsed = V1CredentialsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CredentialsError(
      `${path}: ${issue.path.join('.') || '(file)'} ${issue.message}; download rvm-credentials.json again from the platform`,
    );
  }
  return parsed.data;
}

/**
 * Imports a provisioning file (from a path or a USB stick) into the data folder with mode 0600, after
 * checking it. A bad file changes nothing.
 */
export function importV1Credentials(source: string, target: string): V1Credentials {
  const credentials = readV1Credentials(source);
  writeFileAtomic(target, `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
  chmodSync(target, 0o600);
  return credentials;
}

/** True when the file exists and only its owner may read it. */
export function isPrivate(path: string): boolean {
  return (statSync(path).mode & 0o077) === 0;
}
