// A SIGTERM to `npm run …` (systemd, a closed terminal, a test harness) stops what the script started:
// npm passes the signal to the script's shell, and the shell has handed itself over to the program
// (`exec`), which would otherwise be left running; the benchmark runner passes it on to the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-core';

const SCRIPTS = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const BUILD = 'node scripts/build.mjs && ';
const HEADLESS = 'dist/main/headless.js';

/** The processes below `pid` (children, their children …), from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      // "pid (comm) state ppid …", where comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const below = (p: number): number[] =>
    [...parentOf].filter(([, parent]) => parent === p).flatMap(([child]) => [child, ...below(child)]);
  return below(pid);
}

/** A process's arguments; none once it has ended (a zombie has none either). */
function argsOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}

/** Whether `pid` is a running `node <script>` (not a shell whose command line merely names it). */
const runs = (pid: number, script: string): boolean => argsOf(pid)[1] === script;

/** Resolves when `pattern` shows in the child's output; rejects if it exits first. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  let output = '';
  return new Promise((resolveOutput, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) resolveOutput(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`exited (${code ?? signal}) before ${pattern}:\n${output}`)));
  });
}

describe('npm scripts and SIGTERM', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() =>
    cleanups
      .splice(0)
      .reverse()
      .forEach((cleanup) => cleanup()),
  );

  /** Ends a process the test started if it is still there (a failed test leaves no orphan). */
  const endLater = (pid: number, script: string) =>
    cleanups.push(() => {
      if (runs(pid, script)) process.kill(pid, 'SIGKILL');
    });

  it('every script that runs the kiosk, a command, tests or benchmarks hands its shell over to it', () => {
    const long = Object.entries(SCRIPTS).filter(([name]) =>
      /^(start|serve|dev:|test|detect|store|platform|maintenance|backup|controller-sim|bench:)/.test(name),
    );
    expect(long.length).toBeGreaterThan(15);
    for (const [name, script] of long)
      expect({ name, last: script.split(' && ').at(-1) }).toMatchObject({
        last: expect.stringMatching(/^exec /),
      });
  });

  it('npm run serve: SIGTERM to npm stops the headless kiosk', { timeout: 60_000 }, async () => {
    // The script as package.json has it, less the build: building here would replace dist/ under other
    // test files that run the built kiosk at the same time. The built kiosk is used, as in those files.
    expect(SCRIPTS.serve!.startsWith(BUILD)).toBe(true);
    const project = tempDir('rvm-scripts-');
    const data = tempDir('rvm-serve-');
    cleanups.push(project.cleanup, data.cleanup);
    symlinkSync(resolve('dist'), join(project.dir, 'dist'));
    symlinkSync(resolve('node_modules'), join(project.dir, 'node_modules'));
    const scripts = { serve: SCRIPTS.serve!.slice(BUILD.length) };
    writeFileSync(join(project.dir, 'package.json'), JSON.stringify({ name: 'serve-only', private: true, scripts }));

    const npm = spawn('npm', ['run', '--silent', 'serve'], {
      cwd: project.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        npm_config_update_notifier: 'false',
        RVM_DATA_DIR: data.dir,
        RVM_REMOTE__PORT: '0',
        RVM_VISION__ENABLED: 'false',
        RVM_SETUP__ENABLED: 'false',
      },
    });
    const npmExited = once(npm, 'exit');
    await waitForOutput(npm, /RVM_LISTENING /);
    const server = descendants(npm.pid!).find((pid) => runs(pid, HEADLESS));
    expect(server, 'the headless kiosk among npm’s processes').toBeDefined();
    endLater(server!, HEADLESS);

    npm.kill('SIGTERM');
    await npmExited;
    expect(runs(server!, HEADLESS)).toBe(false);
  });

  it('the benchmark runner passes SIGTERM on to the benchmark', { timeout: 60_000 }, async () => {
    const dir = tempDir('rvm-runner-');
    cleanups.push(dir.cleanup);
    const bench = join(dir.dir, 'waits.bench.ts');
    writeFileSync(bench, 'console.log(`BENCH ${process.pid}`);\nsetInterval(() => undefined, 1000);\n');

    const runner = spawn(process.execPath, ['test/bench/run.mjs', bench], { stdio: ['ignore', 'pipe', 'pipe'] });
    const runnerExited = once(runner, 'exit');
    const output = await waitForOutput(runner, /BENCH \d+\n/);
    const pid = Number(/BENCH (\d+)/.exec(output)![1]);
    const bundle = argsOf(pid)[1]!;
    expect(bundle).toMatch(/bundle\.mjs$/);
    endLater(pid, bundle);

    runner.kill('SIGTERM');
    const [code] = await runnerExited;
    expect(runs(pid, bundle)).toBe(false);
    expect(code).toBe(143);
  });
});
