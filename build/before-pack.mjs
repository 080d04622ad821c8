// electron-builder beforePack hook (electron-builder.yml: beforePack). Runs once per architecture before
// anything is packed, and stops a build that would make a package the kiosk cannot run:
//  - an architecture whose native modules are not installed here. electron-builder does not rebuild them
//    (npmRebuild: false), so an arm64 package made on an x64 machine carries only x64 sharp binaries (npm
//    installs this machine's) and the kiosk restarts forever on the device;
//  - a deb built from another working directory than the project: fpm reads deb.fpm's paths relative to it.
// test/unit/packaging-hook.test.ts runs packProblems() on made-up node_modules trees.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** builder-util's Arch enum, by value (the hook is given the number). */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];
/** ELF e_machine of each architecture the kiosk is made for. */
const ELF_MACHINE = { x64: 62, arm64: 183 };

/** Where npm puts a package sharp depends on: hoisted, or under sharp when versions differ. */
function findPackage(projectDir, name) {
  for (const dir of [
    join(projectDir, 'node_modules', name),
    join(projectDir, 'node_modules/sharp/node_modules', name),
  ]) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return null;
}

/** The e_machine field of an ELF file, or null when it is not one. */
function elfMachine(file) {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return null;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return null;
  return header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
}

/**
 * Everything that stops this architecture from being packed (empty: go ahead).
 * @param {{ arch: number | string, projectDir: string, hostArch?: string, targets?: string[], fpm?: string[], cwd?: string }} o
 */
export function packProblems({
  arch,
  projectDir,
  hostArch = process.arch,
  targets = [],
  fpm = [],
  cwd = process.cwd(),
}) {
  const name = typeof arch === 'number' ? ARCH_NAMES[arch] : arch;
  const problems = [];
  const buildHere = hostArch === name;
  const onItsMachine =
    `Make the ${name} package on an ${name} machine` +
    (name === 'arm64' ? ' (a Jetson or another arm64 board, or an arm64 CI runner)' : '') +
    ': npm ci && npm run pack:deb';

  if (!(name in ELF_MACHINE)) {
    return [`RVM Kiosk is packaged for x64 and arm64 only, not ${name}.`];
  }

  // sharp loads @img/sharp-linux-<arch> and its libvips; npm installs only this machine's. (onnxruntime-node,
  // better-sqlite3 and serialport ship prebuilt binaries for both architectures in their npm packages.)
  const missing = [`@img/sharp-linux-${name}`, `@img/sharp-libvips-linux-${name}`].filter(
    (p) => findPackage(projectDir, p) === null,
  );
  if (missing.length > 0) {
    const sharp = findPackage(projectDir, 'sharp');
    const version = sharp ? `@${JSON.parse(readFileSync(join(sharp, 'package.json'), 'utf8')).version}` : '';
    problems.push(
      `Refusing to pack linux/${name}: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed in ` +
        `node_modules, so the packaged kiosk could not load sharp (camera frames) and would restart forever. ` +
        (buildHere
          ? 'Run npm ci (it installs them on this machine), then build again.'
          : `${onItsMachine}. Or, for this one build, swap sharp's packages here for the ${name} ones ` +
            `(npm keeps one architecture): npm install --no-save --os=linux --cpu=${name} --libc=glibc sharp${version}, ` +
            `build, then npm ci to get this machine's back.`),
    );
  }

  // better-sqlite3 uses its prebuilt binary for the running architecture, unless one was compiled here
  // (build/Release), which it loads first: that one must be the target's.
  const sqlite = join(projectDir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (existsSync(sqlite)) {
    const machine = elfMachine(sqlite);
    if (machine !== ELF_MACHINE[name]) {
      const found = Object.entries(ELF_MACHINE).find(([, m]) => m === machine)?.[0] ?? `ELF machine ${machine}`;
      problems.push(
        `Refusing to pack linux/${name}: node_modules/better-sqlite3/build/Release holds a binding compiled for ` +
          `${found}, which better-sqlite3 loads before its prebuilt ones, so the packaged kiosk could not open its ` +
          `database and would restart forever. ${onItsMachine}.`,
      );
    }
  }

  // fpm resolves the deb.fpm file arguments (source=destination, --before-remove=FILE) from its working
  // directory, which is electron-builder's.
  if (targets.includes('deb')) {
    for (const arg of fpm) {
      const file = arg.startsWith('-') ? arg.split('=')[1] : arg.includes('=') ? arg.split('=')[0] : undefined;
      if (file && !isAbsolute(file) && !existsSync(resolve(cwd, file))) {
        problems.push(
          `The deb would miss ${file}: fpm looks for deb.fpm's files relative to the working directory ` +
            `(${cwd}). Run electron-builder from the project root (${projectDir}).`,
        );
      }
    }
  }
  return problems;
}

/** @param {import('app-builder-lib').BeforePackContext} context */
export default async function beforePack(context) {
  const { packager } = context;
  const problems = packProblems({
    arch: context.arch,
    projectDir: packager.projectDir,
    targets: context.targets.map((t) => t.name),
    fpm: packager.config.deb?.fpm ?? [],
  });
  if (problems.length > 0) throw new Error(problems.join('\n\n'));
}
