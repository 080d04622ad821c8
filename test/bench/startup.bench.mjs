// npm run bench:startup — how long `npm run serve`'s server takes from process start to listening
// (the time a kiosk is dark after a restart). Prints numbers; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 7);

function startOnce(command, args) {
  const dir = mkdtempSync(join(tmpdir(), 'rvm-bench-'));
  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RVM_DATA_DIR: dir,
      RVM_REMOTE__PORT: '0',
      RVM_LOG__LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group, so `npm run serve`'s shell and server stop with it.
    detached: true,
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
        process.kill(-child.pid, 'SIGTERM');
      }
    });
    child.once('exit', (code) => listening || reject(new Error(`server exited with ${code} before listening`)));
  });
}

async function measure(label, runs, command, args) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(command, args));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const fmt = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`  ${label}: min ${fmt(times[0])}, median ${fmt(median)}, max ${fmt(times.at(-1))} (${runs} runs)`);
}

console.log(`bench:startup  node ${process.versions.node}`);
await measure('server process start -> listening', RUNS, process.execPath, ['dist/main/headless.js']);
// What a person typing `npm run serve` waits for: npm, the build, then the server.
await measure('`npm run serve` (build included) -> listening', 3, 'npm', ['run', '--silent', 'serve']);
