// npm run demo [-- --model <onnx> --photos <a,b> --classes <c,…> | --simulated] [--port <n>]: the whole
// kiosk on this machine in one command. A local MyRVM platform (the double), the headless kiosk on a
// throw-away data folder (set up, linked, a technician PIN printed), and a camera: a replay of the
// chamber photos through the real detector — or, with no model at hand, clearly labelled buttons that
// put in a simulated item. Prints the URL; Ctrl-C stops everything and removes the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { randomInt } from 'node:crypto';
import { hashPin } from '../../src-main/maintenance/pin-hash';
import { PlatformDouble } from '../../test/platform-double/double';
import { makeReplay } from './replay-frames';

const SHARED = resolve('..', 'shared');
const FIXTURE_MODEL = join(SHARED, 'models', 'yolov8n-det-int8-640.onnx');
const PHOTOS = ['pet-bottle-red.jpg', 'bottle-4.png'].map((p) => join(SHARED, 'images', 'rvm-chamber', p));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const model = resolve(option('--model') ?? FIXTURE_MODEL);
const port = option('--port') ?? process.env.DEMO_PORT ?? '8787';
if (!existsSync('dist/main/headless.js')) {
  console.error('dist/ is missing: run it as `npm run demo` (which builds first)');
  process.exit(2);
}
if (option('--model') && !existsSync(model)) {
  console.error(`no model at ${model}: give a YOLO detection model in ONNX (--model <file.onnx>)`);
  process.exit(2);
}
// No model at hand (no --model, no fixtures beside the repository): simulated items instead of a camera.
const simulated = process.argv.includes('--simulated') || !existsSync(model);
const usesFixtures = model === FIXTURE_MODEL && PHOTOS.every((p) => existsSync(p));
if (!simulated && !usesFixtures && !option('--photos')) {
  console.error(
    `with your own model, give chamber photos it knows: --photos <a.jpg,b.jpg> (each becomes an item in the replay)`,
  );
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'rvm-demo-'));
const double = await new PlatformDouble({ port: Number(process.env.PLATFORM_PORT ?? 0) }).start();
/** The headless kiosk, once started. */
const running: { kiosk?: ChildProcess } = {};
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  const { kiosk } = running;
  if (kiosk && kiosk.exitCode === null) {
    const gone = new Promise((r) => kiosk.once('exit', r));
    kiosk.kill('SIGTERM');
    await gone;
  }
  await double.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// The machine as setup would leave it: linked to the platform (v1 credentials), a technician, a model.
const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
const photos = simulated ? [] : usesFixtures ? PHOTOS : option('--photos')!.split(',');
const replay = join(dir, 'replay');
if (!simulated) await makeReplay(photos, replay);
writeFileSync(
  join(dir, 'rvm-credentials.json'),
  JSON.stringify({ serial_number: double.o.serial, api_key: double.o.apiKey, name: 'Demo RVM' }),
  { mode: 0o600 },
);
writeFileSync(
  join(dir, 'manifest.json'),
  JSON.stringify({
    model,
    detectConfidence: 0.4,
    minConfidence: 0.4,
    // What the COCO fixture model calls the chamber photos (models/README.md); your own model's classes otherwise.
    classes: usesFixtures
      ? { toothbrush: { material: 'pet' }, skateboard: { material: 'aluminium' }, bottle: { material: 'pet' } }
      : Object.fromEntries((option('--classes') ?? 'bottle').split(',').map((c) => [c, { material: 'pet' }])),
  }),
);
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify(
    {
      machine: { name: 'RVM Demo' },
      platform: { profile: 'v1', baseUrl: double.url, live: { key: double.o.pusherKey } },
      vision: simulated
        ? { enabled: false }
        : { manifest: join(dir, 'manifest.json'), camera: { kind: 'replay', folder: replay, fps: 10, loop: true } },
      deposit: { demoItems: simulated },
      maintenance: { technicians: [{ name: 'Demo technician', pinHash: await hashPin(pin) }] },
      remote: { port: Number(port) },
    },
    null,
    2,
  ),
  { mode: 0o600 },
);

const kiosk = (running.kiosk = spawn(process.execPath, ['dist/main/headless.js'], {
  env: { ...process.env, RVM_DATA_DIR: dir, RVM_SETUP__ENABLED: 'false' },
  stdio: ['ignore', 'pipe', 'pipe'],
}));
kiosk.on('exit', (code) => {
  if (stopping) return;
  console.error(`the kiosk stopped (${code}); its output is above`);
  void stop(code ?? 1);
});
let shown = false;
const onOutput = (chunk: Buffer) => {
  const text = chunk.toString();
  const url = /RVM_LISTENING (\S+)/.exec(text)?.[1];
  if (url && !shown) {
    shown = true;
    console.log(`
RVM Kiosk demo
  open          ${url}   (the customer screen; press Start)
  platform      ${double.url} (a local MyRVM double, v1, live events on)
  camera        ${simulated ? 'none: simulated items (buttons on the insert screen, demo only)' : `a replay of ${photos.length} chamber photo(s) through ${model}`}
  technician    PIN ${pin} (long-press the top-left corner for the maintenance screen)
  data folder   ${dir} (removed on exit)
Type "claim" to log the phone's member in while the login code shows, "quit" or Ctrl-C to stop.
DEMO_READY ${url}`);
  }
  if (process.env.DEMO_VERBOSE) process.stderr.write(text);
};
kiosk.stdout.on('data', onOutput);
kiosk.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));

createInterface({ input: process.stdin }).on('line', (line) => {
  const word = line.trim();
  if (word === 'quit') void stop(0);
  else if (word === 'claim') {
    const token = double.latestQrToken();
    console.log(token && double.claim(token) ? 'claimed: the member is logged in' : 'no login code to claim now');
  } else if (word) console.log('commands: claim, quit');
});
