// npm run platform:dev — the MyRVM platform double on 127.0.0.1 for running the whole kiosk offline.
// Prints the settings for the kiosk and writes a v1 provisioning file; type `claim` + Enter to have
// the scripted phone claim the QR code the kiosk shows, `down` / `up` to cut and restore the server.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PlatformDouble } from './double';

const port = Number(process.env.PLATFORM_PORT ?? 8000);
// PLATFORM_LINE=dev: the v1 newest development line (commands with payloads, bearer-only sync …).
const v1Line = process.env.PLATFORM_LINE === 'dev' ? 'dev' : 'master';
const double = await new PlatformDouble({ port, line: v1Line }).start();
// Outside the repository unless asked: a provisioning file is a secret, even a development one.
const credentials = resolve(process.env.PLATFORM_CREDENTIALS_OUT ?? join(tmpdir(), 'rvm-credentials.dev.json'));
writeFileSync(
  credentials,
  JSON.stringify(
    {
      serial_number: double.o.serial,
      api_key: double.o.apiKey,
      name: 'Dev RVM',
      generated_at: new Date().toISOString(),
    },
    null,
    2,
  ),
  { mode: 0o600 },
);
console.log(`MyRVM platform double listening on ${double.url} (both /api/v1 (${v1Line} line) and /api/v2)

v1 kiosk:  RVM_PLATFORM__PROFILE=v1 RVM_PLATFORM__BASE_URL=${double.url} \\
           RVM_PLATFORM__V1__CREDENTIALS_FILE=${credentials} \\
           RVM_PLATFORM__LIVE__KEY=${double.o.pusherKey} npm run serve
v2 kiosk:  RVM_PLATFORM__PROFILE=v2 RVM_PLATFORM__BASE_URL=${double.url} RVM_PLATFORM__V2__RVM_ID=${double.o.rvmId} \\
           RVM_PLATFORM__V2__EMAIL=${double.o.email} RVM_PLATFORM__V2__PASSWORD=${double.o.password} \\
           RVM_PLATFORM__LIVE__KEY=${double.o.pusherKey} RVM_PLATFORM__LIVE__URL=${double.url.replace('http:', 'ws:')} npm run serve
Live events (Pusher protocol) at ${double.url.replace('http:', 'ws:')}/app/${double.o.pusherKey}; test with: npm run platform -- check

commands: claim (the phone claims the latest QR), down, up, live-down, live-up, slow <ms>, status, quit,
          cmd <ACTION> [payload JSON] (a v1 heartbeat command, e.g. cmd READ_SENSOR {"component_name":"bin_level"})`);

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'claim') {
    const token = double.latestQrToken();
    console.log(token && double.claim(token) ? `claimed ${token.slice(0, 12)}…` : 'no open QR session to claim');
  } else if (command === 'down' || command === 'up') {
    double.faults.down = command === 'down';
    console.log(`server ${command}`);
  } else if (command === 'live-down' || command === 'live-up') {
    double.setLiveDown(command === 'live-down');
    console.log(`live events ${command === 'live-down' ? 'down (the kiosk polls)' : 'up'}`);
  } else if (command === 'slow') {
    double.faults.slowMs = Number(arg ?? 0);
    console.log(`answers delayed by ${double.faults.slowMs} ms`);
  } else if (command === 'status') {
    console.log(
      `${double.deposits.length} deposits, ${double.syncs.length} session syncs, ${double.heartbeats.length} heartbeats`,
    );
  } else if (command === 'cmd' && arg) {
    const payload = line.trim().split(/\s+/).slice(2).join(' ');
    try {
      double.command(arg, payload ? (JSON.parse(payload) as unknown) : undefined);
      console.log(`${arg} queued for the next heartbeat`);
    } catch (error) {
      console.log(`payload is not JSON: ${(error as Error).message}`);
    }
  } else if (command === 'quit') {
    void double.close().then(() => process.exit(0));
  } else if (command) console.log(`unknown command ${command}`);
});
process.on('SIGINT', () => void double.close().then(() => process.exit(0)));
