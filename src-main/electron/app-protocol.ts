import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { contentTypeFor, resolveAsset, SECURITY_HEADERS } from '../assets/renderer-assets';

export const APP_SCHEME = 'app';

/** Must run before the app is ready: app:// behaves like a secure, standard origin. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer; anything outside it (traversal included) is a 404. */
export async function appProtocolResponse(
  request: { url: string; method?: string },
  rendererDir: string,
): Promise<Response> {
  if (request.method && request.method !== 'GET') return new Response('Method not allowed', { status: 405 });
  const url = new URL(request.url);
  const file = url.host === 'rvm' ? resolveAsset(rendererDir, url.pathname) : undefined;
  if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  const body = await readFile(file);
  return new Response(body, { status: 200, headers: { 'Content-Type': contentTypeFor(file), ...SECURITY_HEADERS } });
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request, rendererDir));
}
