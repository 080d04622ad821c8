// The deb, built and installed for real.
//
// 1. electron-builder's own deb target runs on electron-builder.yml (--prepackaged: a stand-in app tree, so
//    no Electron binary is needed) and renders the maintainer scripts itself; a stand-in for fpm records the
//    arguments it is given. The test then does what `fpm -s dir -t deb` does with them (fpm's
//    lib/fpm/package/dir.rb: "source=destination" copies source, relative to the working directory, to
//    destination; "dir/=destination" copies dir's contents; --after-install/--after-remove/--before-remove
//    become postinst/postrm/prerm as they are) and builds the package with dpkg-deb.
// 2. That package is installed, upgraded with rvm-kiosk-update and the real apt-get, rolled back, removed
//    and purged by dpkg in a throw-away root: an overlay of this machine's / (changes go to a tmpfs) in a
//    private mount namespace, made the root with pivot_root. Nothing on the machine itself changes. This
//    part needs root and a Debian or Ubuntu host, and is skipped with the reason elsewhere. The three
//    scenarios (a Debian 12 kiosk, an Ubuntu 24.04 kiosk, an image build) run at the same time.
//
// What the package declares but the throw-away root cannot have is replaced: its Depends (Electron's
// libraries, ffmpeg, cage, socat: checked as arguments below) by one test package served from a local apt
// repository, and a few commands by recording stand-ins (ischroot, unshare, apparmor_parser, aa-exec,
// systemctl) where a scenario needs a kernel or a running systemd that the root has not.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as { deb: { depends: string[]; fpm: string[] } };
const work = mkdtempSync(join(tmpdir(), 'rvm-deb-'));
chmodSync(work, 0o755); // apt's _apt user reads the test repository under it
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------
// electron-builder → stand-in fpm → dpkg-deb

/** The unpacked app electron-builder would have made: an executable, Chromium's sandbox helper, resources. */
function stageApp(dir: string) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'rvm-kiosk'), '#!/bin/sh\necho "RVM Kiosk (test stand-in)"\n', { mode: 0o755 });
  writeFileSync(join(dir, 'chrome-sandbox'), 'not a real sandbox helper\n', { mode: 0o755 });
  writeFileSync(join(dir, 'resources', 'app.asar'), 'not a real asar\n');
  // Read by the systemctl stand-in: which version's files are in place when it is called.
  writeFileSync(join(dir, 'version'), '0.1.0');
}

/** fpm's stand-in: keeps its arguments, its working directory, and electron-builder's temporary files
 * (the rendered scripts, the .desktop file), which electron-builder deletes when it is done. */
function fpmStandIn(dir: string): string {
  const path = join(dir, 'fpm');
  const script = [
    '#!/bin/sh',
    `out='${dir}'`,
    'mkdir -p "$out/kept"',
    'pwd >"$out/cwd"',
    ': >"$out/args"',
    ': >"$out/kept.map"',
    'i=0',
    'for a in "$@"; do',
    '  printf "%s\\0" "$a" >>"$out/args"',
    '  src=${a%%=*}',
    '  for f in "$a" "$src"; do',
    '    case "$f" in -*) continue ;; esac',
    '    if [ -f "$f" ]; then cp "$f" "$out/kept/$i" && printf "%s\\0%s\\0" "$f" "$out/kept/$i" >>"$out/kept.map"; break; fi',
    '  done',
    '  i=$((i + 1))',
    'done',
  ].join('\n');
  writeFileSync(path, `${script}\n`, { mode: 0o755 });
  return path;
}

type FpmRun = {
  args: string[];
  cwd: string;
  kept: Map<string, string>;
  options: Map<string, string[]>;
  paths: string[];
};

/** Runs electron-builder's deb target on electron-builder.yml with the stand-in fpm. */
function electronBuilderDeb(): FpmRun & { output: string; status: number | null } {
  const dir = join(work, 'electron-builder');
  const app = join(dir, 'linux-unpacked');
  stageApp(app);
  const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
  const run = spawnSync(
    process.execPath,
    [cli, '--linux', 'deb', '--prepackaged', app, '--publish', 'never', `-c.directories.output=${join(dir, 'out')}`],
    { env: { ...process.env, CUSTOM_FPM_PATH: fpmStandIn(dir) }, encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${run.stdout}${run.stderr}`;
  if (!existsSync(join(dir, 'args')))
    return { output, status: run.status, args: [], cwd: '', kept: new Map(), options: new Map(), paths: [] };
  const split = (file: string) => readFileSync(join(dir, file), 'utf8').split('\0').slice(0, -1);
  const args = split('args');
  const pairs = split('kept.map');
  const kept = new Map<string, string>();
  for (let i = 0; i < pairs.length; i += 2) kept.set(pairs[i]!, pairs[i + 1]!);
  return {
    output,
    status: run.status,
    args,
    cwd: readFileSync(join(dir, 'cwd'), 'utf8').trim(),
    kept,
    ...fpmArgs(args),
  };
}

/** fpm's command line: options (each may repeat) and the paths to package. */
function fpmArgs(args: string[]) {
  const flags = new Set(['--force']);
  const options = new Map<string, string[]>();
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const [name, value] =
      eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : flags.has(arg) ? [arg, ''] : [arg, args[++i]!];
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { options, paths };
}

/** What `fpm -s dir` puts in the package for the given paths (fpm's dir.rb, clone/copy). */
function fpmStage(fpm: FpmRun, staging: string) {
  const source = (p: string) => fpm.kept.get(p) ?? resolve(fpm.cwd, p);
  for (const path of fpm.paths) {
    // fpm: a path containing "=" that is not itself a file is source=destination.
    if (!/.=./.test(path) || existsSync(resolve(fpm.cwd, path)))
      throw new Error(`fpm path without a destination: ${path}`);
    const [from, to] = [path.slice(0, path.indexOf('=')), path.slice(path.indexOf('=') + 1)];
    const target = join(staging, to);
    if (from.endsWith('/')) cpSync(source(from), target, { recursive: true, verbatimSymlinks: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      cpSync(source(from), target);
      chmodSync(target, statSync(source(from)).mode & 0o7777);
    }
  }
}

type Deb = { version: string; depends?: string; file: string };

/** The package: the staged files, a control file from fpm's options, the maintainer scripts fpm was given. */
function buildDeb(fpm: FpmRun, staging: string, version: string, depends?: string): Deb {
  const one = (name: string) => fpm.options.get(name)?.[0] ?? '';
  const root = join(work, `root-${version}`);
  cpSync(staging, root, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(root, 'opt/RVM Kiosk/version'), version);
  mkdirSync(join(root, 'DEBIAN'));
  const control = [
    `Package: ${one('--name')}`,
    `Version: ${version}`,
    `Architecture: ${one('--architecture')}`,
    `Maintainer: ${one('--maintainer')}`,
    `Homepage: ${one('--url')}`,
    `Priority: ${one('--deb-priority')}`,
    ...(depends ? [`Depends: ${depends}`] : []),
    'Description: RVM Kiosk (test package)',
    ` ${one('--description').trim()}`,
  ];
  writeFileSync(join(root, 'DEBIAN/control'), `${control.join('\n')}\n`);
  const scripts = { postinst: one('--after-install'), postrm: one('--after-remove'), prerm: one('--before-remove') };
  for (const [name, path] of Object.entries(scripts)) {
    cpSync(fpm.kept.get(path) ?? resolve(fpm.cwd, path), join(root, 'DEBIAN', name));
    chmodSync(join(root, 'DEBIAN', name), 0o755);
  }
  const file = join(work, 'debs', `${one('--name')}_${version}_${one('--architecture')}.deb`);
  mkdirSync(dirname(file), { recursive: true });
  dpkgDeb(root, file);
  return { version, depends, file };
}

function dpkgDeb(root: string, file: string) {
  const run = spawnSync('dpkg-deb', ['--build', '--root-owner-group', root, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dpkg-deb: ${run.stderr}`);
}

/** A flat apt repository (file:/t/repo) with the one package 0.2.0 newly depends on. */
function testRepository() {
  const repo = join(work, 'repo');
  const root = join(work, 'testdep');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  const control =
    'Package: rvm-kiosk-testdep\nVersion: 1.0\nArchitecture: all\nMaintainer: test <t@example.invalid>\nDescription: a dependency new in rvm-kiosk 0.2.0\n';
  writeFileSync(join(root, 'DEBIAN/control'), control);
  mkdirSync(repo, { recursive: true });
  const deb = join(repo, 'rvm-kiosk-testdep_1.0_all.deb');
  dpkgDeb(root, deb);
  const bytes = readFileSync(deb);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(
    join(repo, 'Packages'),
    `${control}Filename: ./${basename(deb)}\nSize: ${bytes.length}\nSHA256: ${sha256}\n\n`,
  );
}

const rendered = (fpm: FpmRun, option: string) => readFileSync(fpm.kept.get(fpm.options.get(option)![0]!)!, 'utf8');

// ---------------------------------------------------------------------------------------------------------
// The throw-away root

/** Host side, in a private mount namespace: tmpfs → overlay of / → new root. $1 shared folder, $2 mount point,
 * $3 the scenario script in the shared folder (none: only check that the mounts work). */
const SANDBOX = String.raw`
set -eu
T=$1 L=$2
mount -t tmpfs -o mode=0755 rvm-deb-test "$L"
mkdir "$L/upper" "$L/work" "$L/root"
mount -t overlay rvm-deb-test -o "lowerdir=/,upperdir=$L/upper,workdir=$L/work" "$L/root"
mount --rbind /proc "$L/root/proc"
mount --rbind /dev "$L/root/dev"
mount -t tmpfs -o mode=1777 rvm-deb-tmp "$L/root/tmp"
mount -t tmpfs -o mode=0755 rvm-deb-run "$L/root/run"
mkdir -p "$L/root/t"
mount --bind "$T" "$L/root/t"
[ $# -ge 3 ] || exit 0
# pivot_root rather than chroot: the kernel refuses user namespaces to a chrooted process, and the
# postinst's probe needs them.
mkdir "$L/root/.host"
cd "$L/root"
pivot_root . .host
umount -l /.host
rmdir /.host
exec /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  /bin/bash "/t/$3"
`;

/** Helpers for the scenarios (inside the root): step runs a command and keeps its output and exit status;
 * snap writes the facts the tests assert, one "name<TAB>value" a line, to out/<name>.facts. */
const PRELUDE = String.raw`
set -u
OUT=/t/out/$SCENARIO
mkdir -p "$OUT" /tmp/stub
chmod 0777 /tmp/stub
: >/tmp/stub/calls.log
chmod 0666 /tmp/stub/calls.log
APP='/opt/RVM Kiosk'
WANTS=/etc/systemd/system/multi-user.target.wants/rvm-kiosk.service
DEBS=(/t/debs/rvm-kiosk_0.1.0_*.deb /t/debs/rvm-kiosk_0.2.0_*.deb /t/debs/rvm-kiosk_0.3.0_*.deb)
step() {
  local name=$1 rc=0
  shift
  "$@" >"$OUT/$name.log" 2>&1 || rc=$?
  printf '%s\t%s\n' "$name" "$rc" >>"$OUT/steps"
}
fact() { printf '%s\t%s\n' "$1" "$2" >>"$OUT/$SNAP.facts"; }
snap() {
  SNAP=$1
  : >"$OUT/$SNAP.facts"
  local p owners
  local paths=(/usr/lib/systemd/system/rvm-kiosk.service /usr/lib/udev/rules.d/70-rvm-kiosk.rules /usr/sbin/rvm-kiosk-update
    /usr/bin/rvm-kiosk /usr/share/rvm-kiosk/environment "$APP/rvm-kiosk" /etc/rvm-kiosk/environment)
  # dpkg -S: "package: path" for each path a package owns (one call: each reads every file list).
  owners=$(dpkg-query -S "${'$'}{paths[@]}" 2>/dev/null)
  for p in "${'$'}{paths[@]}"; do
    fact "owner $p" "$(printf '%s\n' "$owners" | awk -v p="$p" 'substr($0, index($0, ": ") + 2) == p { print substr($0, 1, index($0, ": ") - 1) }')"
  done
  for p in /var/lib/rvm-kiosk /var/lib/rvm-kiosk/rvm.db /var/lib/rvm-kiosk-updates /etc/rvm-kiosk /etc/rvm-kiosk/environment \
    "$APP/chrome-sandbox" /etc/apparmor.d/rvm-kiosk; do
    fact "stat $p" "$(stat -c '%a %U %G' "$p" 2>/dev/null)"
  done
  fact wants "$(readlink "$WANTS")"
  fact status "$(dpkg-query -W -f '${'$'}{db:Status-Abbrev}${'$'}{Version}' rvm-kiosk 2>/dev/null)"
  fact conffiles "$(dpkg-query -W -f '${'$'}{Conffiles}' rvm-kiosk 2>/dev/null | tr '\n' ' ')"
  fact user "$(getent passwd rvm-kiosk)"
  fact uid "$(id -u rvm-kiosk 2>/dev/null)"
  fact groups "$(id -nG rvm-kiosk 2>/dev/null)"
  fact "existing groups" "$(for g in video render input dialout lp; do getent group "$g" >/dev/null && printf '%s ' "$g"; done)"
  fact "operator's edit" "$(grep -c '^RVM_MACHINE__NAME=edited by the operator$' /etc/rvm-kiosk/environment 2>/dev/null)"
  fact "settings template" "$(cmp -s /etc/rvm-kiosk/environment /t/environment && echo same)"
  fact app "$(cat "$APP/version" 2>/dev/null)"
  fact profile "$(cmp -s /etc/apparmor.d/rvm-kiosk "$APP/resources/apparmor-profile" 2>/dev/null && echo same)"
}
stub() {
  printf '#!/bin/sh\n%s\n' "$2" >"$1"
  chmod 0755 "$1"
}
phase() { echo "## $1" >>/tmp/stub/calls.log; }
finish() { cp /tmp/stub/calls.log "$OUT/calls.log"; }
`;

/** Why the throw-away root cannot be made here (null: it can). */
function whyNoRoot(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'it needs root (an overlay of / in a private mount namespace, pivot_root)';
  for (const tool of ['unshare', 'pivot_root', 'dpkg', 'apt-get', 'setpriv', 'systemctl']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (a Debian or Ubuntu host is needed)`;
  }
  const mnt = mkdtempSync(join(tmpdir(), 'rvm-deb-mnt-'));
  try {
    const probe = spawnSync(
      'unshare',
      ['--mount', '--propagation', 'private', 'bash', '-c', SANDBOX, 'probe', work, mnt],
      {
        encoding: 'utf8',
      },
    );
    if (probe.status !== 0) return `the kernel refused the throw-away root (${probe.stderr.trim()})`;
  } finally {
    rmSync(mnt, { recursive: true, force: true });
  }
  return null;
}
const noRoot = whyNoRoot();
if (noRoot) console.warn(`packaging-deb: install/upgrade/remove in a throw-away root skipped: ${noRoot}`);

type Scenario = {
  steps: Map<string, number>;
  facts(snap: string): Map<string, string>;
  log(step: string): string;
  calls(phase: string): string[];
};

/** Runs a scenario script (after PRELUDE) in a fresh throw-away root. */
async function inRoot(name: string, script: string): Promise<Scenario> {
  writeFileSync(join(work, `${name}.sh`), `SCENARIO=${name}\n${PRELUDE}\n${script}\nfinish\n`);
  const mnt = mkdtempSync(join(tmpdir(), 'rvm-deb-mnt-'));
  try {
    const child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'bash', '-c', SANDBOX, 'sandbox', work, mnt, `${name}.sh`],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    if (code !== 0) throw new Error(`scenario ${name} ended with ${code}: ${stderr}`);
  } finally {
    rmSync(mnt, { recursive: true, force: true });
  }
  const out = join(work, 'out', name);
  const table = (file: string) =>
    new Map(
      readFileSync(join(out, file), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1)] as const),
    );
  // Stand-ins' calls, by phase ("## name" lines).
  const calls = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of readFileSync(join(out, 'calls.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')) {
    if (line.startsWith('## ')) calls.set(line.slice(3), (current = []));
    else current.push(line);
  }
  return {
    steps: new Map([...table('steps')].map(([k, v]) => [k, Number(v)])),
    facts: (snap) => table(`${snap}.facts`),
    log: (step) => readFileSync(join(out, `${step}.log`), 'utf8'),
    calls: (phase) => calls.get(phase) ?? [`(no phase ${phase})`],
  };
}

/** The scenarios, each in its own throw-away root (after PRELUDE). They run at the same time. */
const SCENARIOS = {
  /** A Debian 12 kiosk: no AppArmor, no running systemd; install, update twice, roll back, remove, purge. */
  debian: String.raw`
stub /usr/bin/ischroot 'exit 1'
stub /usr/bin/unshare 'echo "unshare user=$(id -un) uid=$(id -u) $*" >>/tmp/stub/calls.log; [ -e /tmp/stub/userns-allowed ]'
rm -rf /etc/apparmor.d
# Only the test's repository: rvm-kiosk-testdep, which 0.2.0 newly depends on.
rm -f /etc/apt/sources.list.d/*
echo 'deb [trusted=yes] file:/t/repo ./' >/etc/apt/sources.list
step apt-update apt-get update
# The kiosk's half of the safe window (the file protocol rvm-kiosk-update speaks).
kiosk_answers() {
  until [ -e /var/lib/rvm-kiosk/update/request ]; do sleep 0.05; done
  date -u >/var/lib/rvm-kiosk/update/ready
}

phase install
touch /tmp/stub/userns-allowed
step install env DEBIAN_FRONTEND=noninteractive apt-get install -y "${'$'}{DEBS[0]}"
snap installed
echo 'RVM_MACHINE__NAME=edited by the operator' >>/etc/rvm-kiosk/environment
echo 'deposits waiting to sync' >/var/lib/rvm-kiosk/rvm.db

phase upgrade
rm /tmp/stub/userns-allowed
kiosk_answers &
step upgrade rvm-kiosk-update install "${'$'}{DEBS[1]}" --wait-minutes 1
kill $! 2>/dev/null
snap upgraded
phase upgrade-again
kiosk_answers &
step upgrade-again rvm-kiosk-update install "${'$'}{DEBS[2]}" --wait-minutes 1
kill $! 2>/dev/null

phase rollback
kiosk_answers &
step rollback rvm-kiosk-update rollback --wait-minutes 1
kill $! 2>/dev/null
snap rolled-back

phase remove
step remove dpkg --remove rvm-kiosk
snap removed
step purge dpkg --purge rvm-kiosk
snap purged
`,
  /** An Ubuntu 24.04 kiosk: AppArmor 4 (stand-in parser, aa-exec; the probe is real), systemd running (a
   * stand-in systemctl for start/stop), the kiosk running during the upgrade. */
  ubuntu: String.raw`
stub /usr/bin/ischroot 'exit 1'
mkdir -p /sys/module/apparmor/parameters /etc/apparmor.d /run/systemd/system
echo Y >/sys/module/apparmor/parameters/enabled
stub /usr/sbin/apparmor_parser 'echo "apparmor_parser $*" >>/tmp/stub/calls.log'
stub /usr/bin/aa-exec 'echo "aa-exec $*" >>/tmp/stub/calls.log; [ "$1" = -p ] && [ "$3" = -- ] || exit 2; shift 3; exec "$@"'
mv /usr/bin/systemctl /usr/bin/systemctl.real
stub /usr/bin/systemctl 'echo "systemctl $* [$(cat "/opt/RVM Kiosk/version" 2>/dev/null)]" >>/tmp/stub/calls.log
case "$1" in
  is-active) [ -e /tmp/stub/kiosk-active ] ;;
  daemon-reload | start | stop | restart) exit 0 ;;
  *) exec /usr/bin/systemctl.real "$@" ;;
esac'
step testdep dpkg --install /t/repo/rvm-kiosk-testdep_1.0_all.deb

phase install
step install dpkg --install "${'$'}{DEBS[0]}"
snap installed
phase upgrade
touch /tmp/stub/kiosk-active
step upgrade dpkg --install "${'$'}{DEBS[1]}"
phase purge
step purge dpkg --purge rvm-kiosk
snap purged
`,
  /** An image build: a chroot (the real ischroot says so), no running systemd, AppArmor tools, no
   * deb-systemd-helper (systemctl enable, offline). */
  image: String.raw`
mkdir -p /etc/apparmor.d
stub /usr/sbin/apparmor_parser 'echo "apparmor_parser $*" >>/tmp/stub/calls.log'
stub /usr/bin/unshare 'echo "unshare $*" >>/tmp/stub/calls.log'
rm -f /usr/bin/deb-systemd-helper
phase install
step install dpkg --install "${'$'}{DEBS[0]}"
snap installed
phase purge
step purge dpkg --purge rvm-kiosk
snap purged
`,
};

/** Whether an unprivileged user may create the namespaces Chromium's sandbox needs, asked on this machine
 * as nobody: what the kiosk user's probe should find here. */
function userNamespacesForUsers(): boolean {
  const probe = ['unshare', '--user', '--map-root-user', '--net', '--pid', '--fork', 'true'];
  return spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', ...probe]).status === 0;
}

// ---------------------------------------------------------------------------------------------------------

/** The enablement symlink: systemd links the unit where its search path finds it first (Debian 12:
 * /lib/systemd/system, through the /lib → /usr/lib link; systemd built for a merged /usr: /usr/lib/systemd/system). */
const UNIT_LINK = /^(\/usr)?\/lib\/systemd\/system\/rvm-kiosk\.service$/;

let fpm: ReturnType<typeof electronBuilderDeb>;
let debs: Deb[] = [];
const started = new Map<string, Promise<Scenario>>();
const scenario = (name: keyof typeof SCENARIOS) =>
  started.get(name) ?? Promise.reject(new Error('no packages were built'));
beforeAll(() => {
  fpm = electronBuilderDeb();
  if (fpm.status !== 0 || fpm.args.length === 0) return;
  const staging = join(work, 'staging');
  fpmStage(fpm, staging);
  debs = [
    buildDeb(fpm, staging, '0.1.0'),
    buildDeb(fpm, staging, '0.2.0', 'rvm-kiosk-testdep'),
    buildDeb(fpm, staging, '0.3.0', 'rvm-kiosk-testdep'),
  ];
  testRepository();
  cpSync('build/linux/environment', join(work, 'environment'));
  if (noRoot !== null) return;
  for (const [name, script] of Object.entries(SCENARIOS)) {
    const run = inRoot(name, script);
    run.catch(() => {}); // reported by the describe that awaits it
    started.set(name, run);
  }
}, 120_000);

describe("electron-builder's deb target (stand-in fpm)", () => {
  it('builds: electron-builder has a homepage and a maintainer, and hands everything to fpm', () => {
    expect(fpm.output).not.toMatch(/Please specify/);
    expect(fpm.status, fpm.output).toBe(0);
    const one = (name: string) => fpm.options.get(name)?.[0];
    expect(one('--name')).toBe('rvm-kiosk');
    expect(one('--maintainer')).toBe('MyRVM <kiosk@myrvm.id>');
    expect(one('--url')).toBe('https://myrvm.id');
    expect(fpm.options.get('-d')).toEqual(config.deb.depends);
  });

  it('runs fpm in the project root, where the deb.fpm paths are', () => {
    expect(fpm.cwd).toBe(process.cwd());
    for (const arg of config.deb.fpm) expect(fpm.args, arg).toContain(arg);
    expect(fpm.options.get('--before-remove')).toEqual(['build/linux/prerm.sh']);
  });

  it('renders the maintainer scripts: the app folder and command filled in, no macro left', () => {
    const postinst = rendered(fpm, '--after-install');
    expect(postinst).toContain("APP_DIR='/opt/RVM Kiosk'");
    expect(postinst).toContain("PROFILE_NAME='rvm-kiosk'");
    expect(rendered(fpm, '--after-remove')).toContain("PROFILE='/etc/apparmor.d/rvm-kiosk'");
    for (const option of ['--after-install', '--after-remove'])
      expect(rendered(fpm, option)).not.toMatch(/\$\{[a-zA-Z]+\}/);
  });

  it('packs the boot files where the system looks for them, with the app in /opt and its AppArmor profile', () => {
    const contents = spawnSync('dpkg-deb', ['--contents', debs[0]!.file], { encoding: 'utf8' }).stdout;
    const entry = (path: string) => contents.split('\n').find((l) => l.endsWith(` .${path}`)) ?? `${path} missing`;
    expect(entry('/usr/lib/systemd/system/rvm-kiosk.service')).toMatch(/^-rw-r--r-- root\/root/);
    expect(entry('/usr/lib/udev/rules.d/70-rvm-kiosk.rules')).toMatch(/^-rw-r--r-- root\/root/);
    expect(entry('/usr/sbin/rvm-kiosk-update')).toMatch(/^-rwxr-xr-x root\/root/);
    expect(entry('/usr/bin/rvm-kiosk')).toMatch(/^-rwxr-xr-x root\/root/);
    expect(entry('/usr/share/rvm-kiosk/environment')).toMatch(/^-rw-r--r-- root\/root/);
    expect(entry('/opt/RVM Kiosk/rvm-kiosk')).toMatch(/^-rwxr-xr-x root\/root/);
    expect(entry('/opt/RVM Kiosk/resources/apparmor-profile')).toMatch(/^-rw-r--r-- root\/root/);
    expect(contents).not.toMatch(/ \.\/etc\//);
  });
});

describe.skipIf(noRoot !== null)('installed in a throw-away root (dpkg, apt-get, rvm-kiosk-update)', () => {
  describe('a Debian 12 kiosk: no AppArmor, no running systemd; install, update, roll back, remove, purge', () => {
    let s: Scenario;
    beforeAll(async () => {
      s = await scenario('debian');
    }, 120_000);

    it('every step succeeds', () => {
      expect([...s.steps.keys()]).toEqual([
        'apt-update',
        'install',
        'upgrade',
        'upgrade-again',
        'rollback',
        'remove',
        'purge',
      ]);
      for (const [step, rc] of s.steps) expect(rc, `${step}:\n${s.log(step)}`).toBe(0);
    });

    it('the boot files belong to the package; the settings file does not (no conffile, no question on upgrade)', () => {
      const f = s.facts('installed');
      for (const path of [
        '/usr/lib/systemd/system/rvm-kiosk.service',
        '/usr/lib/udev/rules.d/70-rvm-kiosk.rules',
        '/usr/sbin/rvm-kiosk-update',
        '/usr/bin/rvm-kiosk',
        '/usr/share/rvm-kiosk/environment',
        '/opt/RVM Kiosk/rvm-kiosk',
      ]) {
        expect(f.get(`owner ${path}`), path).toBe('rvm-kiosk');
      }
      expect(f.get('owner /etc/rvm-kiosk/environment')).toBe('');
      expect(f.get('conffiles')).toBe('');
      expect(f.get('status')).toBe('ii 0.1.0');
    });

    it('makes the kiosk user with the device groups this system has, its data folder, and the settings file', () => {
      const f = s.facts('installed');
      expect(f.get('user')).toMatch(/^rvm-kiosk:x:\d+:\d+:RVM Kiosk:\/var\/lib\/rvm-kiosk:\/usr\/sbin\/nologin$/);
      const groups = f.get('groups')!.split(' ').sort();
      // All five, made where missing: systemd refuses a unit whose SupplementaryGroups= group does not exist.
      expect(groups).toEqual(['dialout', 'input', 'lp', 'render', 'rvm-kiosk', 'video']);
      expect(f.get('existing groups')!.trim().split(' ').sort()).toEqual(['dialout', 'input', 'lp', 'render', 'video']);
      expect(f.get('stat /var/lib/rvm-kiosk')).toBe('750 rvm-kiosk rvm-kiosk');
      expect(f.get('stat /var/lib/rvm-kiosk-updates')).toBe('750 root root');
      expect(f.get('stat /etc/rvm-kiosk/environment')).toBe('640 root rvm-kiosk');
      expect(f.get('settings template')).toBe('same');
    });

    it('enables the unit without a running systemd', () => {
      expect(s.facts('installed').get('wants')).toMatch(UNIT_LINK);
      expect(s.facts('upgraded').get('wants')).toMatch(UNIT_LINK);
    });

    it('sets chrome-sandbox from a probe run as the kiosk user: no SUID while it may unshare, SUID once refused', () => {
      const uid = s.facts('installed').get('uid');
      const probe = `user=rvm-kiosk uid=${uid} --user --map-root-user --net --pid --fork true`;
      expect(s.calls('install')).toEqual([`unshare ${probe}`]);
      expect(s.facts('installed').get('stat /opt/RVM Kiosk/chrome-sandbox')).toBe('755 root root');
      expect(s.calls('upgrade')).toEqual([`unshare ${probe}`]);
      expect(s.facts('upgraded').get('stat /opt/RVM Kiosk/chrome-sandbox')).toBe('4755 root root');
    });

    it('updates with rvm-kiosk-update: apt-get brings the new dependency, the operator’s settings stay', () => {
      expect(s.log('upgrade')).toMatch(/rvm-kiosk-testdep/);
      // The first version came from apt-get (README), not the updater: nothing to keep yet.
      expect(s.log('upgrade')).toMatch(/installed 0\.2\.0; previous kept: none/);
      expect(s.log('upgrade-again')).toMatch(/installed 0\.3\.0; previous kept: 0\.2\.0/);
      const f = s.facts('upgraded');
      expect(f.get('status')).toBe('ii 0.2.0');
      expect(f.get('app')).toBe('0.2.0');
      expect(f.get("operator's edit")).toBe('1');
      expect(f.get('stat /etc/rvm-kiosk/environment')).toBe('640 root rvm-kiosk');
    });

    it('rolls back (a downgrade) to the kept version, settings still as the operator left them', () => {
      expect(s.log('rollback')).toMatch(/installed 0\.2\.0; previous kept: 0\.3\.0/);
      const f = s.facts('rolled-back');
      expect(f.get('status')).toBe('ii 0.2.0');
      expect(f.get('app')).toBe('0.2.0');
      expect(f.get("operator's edit")).toBe('1');
      expect(f.get('wants')).toMatch(UNIT_LINK);
    });

    it('remove disables the unit and takes the boot files; settings and data stay', () => {
      const f = s.facts('removed');
      expect(f.get('status')).toBe('rc 0.2.0');
      expect(f.get('wants')).toBe('');
      expect(f.get('owner /usr/lib/systemd/system/rvm-kiosk.service')).toBe('');
      expect(f.get('stat /etc/rvm-kiosk/environment')).toBe('640 root rvm-kiosk');
      expect(f.get("operator's edit")).toBe('1');
      expect(f.get('stat /var/lib/rvm-kiosk/rvm.db')).not.toBe('');
      expect(s.log('remove')).toContain('settings stay in /etc/rvm-kiosk');
    });

    it('purge deletes /etc/rvm-kiosk (secrets) but never the deposits, and says so', () => {
      const f = s.facts('purged');
      expect(f.get('status')).toBe('');
      expect(f.get('stat /etc/rvm-kiosk')).toBe('');
      expect(f.get('stat /var/lib/rvm-kiosk')).toBe('750 rvm-kiosk rvm-kiosk');
      expect(f.get('stat /var/lib/rvm-kiosk/rvm.db')).not.toBe('');
      expect(f.get('user')).not.toBe('');
      expect(s.log('purge')).toMatch(/Kept: \/var\/lib\/rvm-kiosk[\s\S]*waiting to sync/);
    });
  });

  describe('an Ubuntu 24.04 kiosk: AppArmor 4, systemd running, the kiosk running during the upgrade', () => {
    let s: Scenario;
    beforeAll(async () => {
      s = await scenario('ubuntu');
    }, 120_000);

    const runs = (phase: string) => s.calls(phase).filter((c) => /^systemctl (start|stop|restart) /.test(c));

    it('every step succeeds', () => {
      for (const [step, rc] of s.steps) expect(rc, `${step}:\n${s.log(step)}`).toBe(0);
    });

    it("installs electron-builder's AppArmor profile and loads it before probing as the kiosk user under it", () => {
      expect(s.facts('installed').get('profile')).toBe('same');
      const calls = s.calls('install');
      const load = calls.indexOf('apparmor_parser --replace --write-cache --skip-read-cache /etc/apparmor.d/rvm-kiosk');
      const probe = calls.indexOf(
        'aa-exec -p rvm-kiosk -- setpriv --reuid=rvm-kiosk --regid=rvm-kiosk --init-groups -- ' +
          'unshare --user --map-root-user --net --pid --fork true',
      );
      expect(calls[0]).toBe('apparmor_parser --skip-kernel-load --debug /opt/RVM Kiosk/resources/apparmor-profile');
      expect(load).toBeGreaterThan(0);
      expect(probe).toBeGreaterThan(load);
      // The probe really ran (setpriv, unshare): what an unprivileged user gets on this kernel decides.
      expect(s.facts('installed').get('stat /opt/RVM Kiosk/chrome-sandbox')).toBe(
        userNamespacesForUsers() ? '755 root root' : '4755 root root',
      );
    });

    it('does not start the kiosk on a first install (it would take tty1 over); enables it', () => {
      expect(runs('install')).toEqual([]);
      expect(s.facts('installed').get('wants')).toMatch(UNIT_LINK);
    });

    it('stops a running kiosk before the files change and starts it again on the new version', () => {
      expect(runs('upgrade')).toEqual([
        'systemctl stop rvm-kiosk.service [0.1.0]',
        'systemctl restart rvm-kiosk.service [0.2.0]',
      ]);
      expect(s.calls('upgrade')).toContain('systemctl daemon-reload [0.2.0]');
    });

    it('purge stops and disables it first, then unloads and deletes the profile', () => {
      expect(runs('purge')).toEqual(['systemctl stop rvm-kiosk.service [0.2.0]']);
      expect(s.calls('purge')).toContain('apparmor_parser --remove /etc/apparmor.d/rvm-kiosk');
      const f = s.facts('purged');
      expect(f.get('stat /etc/apparmor.d/rvm-kiosk')).toBe('');
      expect(f.get('wants')).toBe('');
      expect(f.get('stat /var/lib/rvm-kiosk')).toBe('750 rvm-kiosk rvm-kiosk');
    });
  });

  describe('an image build: a chroot, no running systemd, AppArmor tools, no deb-systemd-helper', () => {
    let s: Scenario;
    beforeAll(async () => {
      s = await scenario('image');
    }, 120_000);

    it('every step succeeds', () => {
      for (const [step, rc] of s.steps) expect(rc, `${step}:\n${s.log(step)}`).toBe(0);
    });

    it('enables the unit with systemctl offline, and disables it again on purge', () => {
      expect(s.facts('installed').get('wants')).toMatch(UNIT_LINK);
      expect(s.facts('purged').get('wants')).toBe('');
    });

    it("uses the SUID sandbox without probing (this kernel is not the device's); copies but does not load the profile", () => {
      expect(s.facts('installed').get('stat /opt/RVM Kiosk/chrome-sandbox')).toBe('4755 root root');
      expect(s.calls('install')).toEqual([
        'apparmor_parser --skip-kernel-load --debug /opt/RVM Kiosk/resources/apparmor-profile',
      ]);
      expect(s.facts('installed').get('profile')).toBe('same');
      expect(s.calls('purge')).toEqual([]);
      expect(s.facts('purged').get('stat /etc/apparmor.d/rvm-kiosk')).toBe('');
    });
  });
});
