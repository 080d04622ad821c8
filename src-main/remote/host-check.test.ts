import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHostNames, checkHostAndOrigin } from './access-policy';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('Host and Origin allow-list', () => {
  const loopback = allowedHostNames('127.0.0.1', []);
  const vpn = allowedHostNames('0.0.0.0', ['RVM-01.vpn.example']);

  it('accepts loopback names and addresses, refuses other names with 421', () => {
    for (const host of ['127.0.0.1:8787', 'localhost:8787', 'LOCALHOST', '[::1]:8787', '127.9.9.9:1']) {
      expect({ host, ...checkHostAndOrigin(req({ host }), loopback) }).toEqual({ host, ok: true });
    }
    for (const host of ['evil.example:8787', 'localhost.evil.example', '[::ffff:8.8.8.8]:80', '8.8.8.8']) {
      expect({ host, ...checkHostAndOrigin(req({ host }), loopback) }).toMatchObject({ host, ok: false, status: 421 });
    }
    expect(checkHostAndOrigin(req({}), loopback)).toMatchObject({ ok: false, status: 421 });
  });

  it('accepts configured names (any case) and this machine’s own interface addresses', () => {
    expect(checkHostAndOrigin(req({ host: 'rvm-01.VPN.example:8787' }), vpn)).toEqual({ ok: true });
    const own = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (own) expect(checkHostAndOrigin(req({ host: `${own.address}:8787` }), vpn)).toEqual({ ok: true });
    expect(checkHostAndOrigin(req({ host: 'rvm-02.vpn.example' }), vpn)).toMatchObject({ status: 421 });
  });

  it('refuses a browser Origin that is not the Host it asks (403), accepts none (not a browser)', () => {
    const host = 'localhost:8787';
    expect(checkHostAndOrigin(req({ host, origin: 'http://localhost:8787' }), loopback)).toEqual({ ok: true });
    expect(checkHostAndOrigin(req({ host }), loopback)).toEqual({ ok: true });
    for (const origin of ['http://evil.example', 'http://localhost:9999', 'null', 'app://rvm']) {
      expect({ origin, ...checkHostAndOrigin(req({ host, origin }), loopback) }).toMatchObject({
        origin,
        ok: false,
        status: 403,
      });
    }
  });
});
