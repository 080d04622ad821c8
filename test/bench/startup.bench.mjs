// npm run bench:startup — how long `npm run serve`'s server takes from process start to listening
// (the time a kiosk is dark after a restart). Prints numbers; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 7);

function startOnce() {
  const dir = mkdtempSync(join(tmpdir(), 'rvm-bench-'));
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['dist/main/headless.js'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RVM_DATA_DIR: dir,
      RVM_REMOTE__PORT: '0',
      RVM_LOG__LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let listening = false;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!listening && out.includes('RVM_LISTENING')) {
        listening = true;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve(ms);
        });
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => listening || reject(new Error(`server exited with ${code} before listening`)));
  });
}

const times = [];
for (let i = 0; i < RUNS; i++) times.push(await startOnce());
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`bench:startup  node ${process.versions.node}  runs ${RUNS}`);
console.log(
  `  process start -> listening: min ${times[0].toFixed(0)} ms, median ${pct(0.5).toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms`,
);
