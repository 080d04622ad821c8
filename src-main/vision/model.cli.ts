import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, resolveDataDir } from '../config/config.loader';
import { writeFileAtomic } from '../fs/atomic-file';
import { installModelPackage, packModel } from './model-package';
import { activeModel } from './vision.module';

const USAGE = `usage: npm run model -- <command>
  status               the manifest the kiosk runs, and the one kept for rollback
  install <folder>     a model package (manifest.json with class rules, labels and the model's sha256, and the
                       ONNX it names), checked, copied into <data>/models/packages/<version>/ and made current;
                       the previous one is kept for rollback. Restart the kiosk to load it (systemctl restart rvm-kiosk)
  rollback             back to the previous manifest (restart the kiosk to load it)
  pack <folder> <out.onnx>
                       the package as one ONNX file carrying its manifest (class rules, labels, thresholds): what
                       the platform serves for an update over the air; prints the SHA-256 to give the platform
README: Bring your own chamber model.`;

/** `npm run model -- …` (rvm-kiosk model …); the exit code. */
export function runModelCli(argv: readonly string[], out: (line: string) => void, env = process.env): number {
  const [command, arg] = argv;
  if (command === 'pack') return pack(argv.slice(1), out);
  if (command !== 'status' && command !== 'install' && command !== 'rollback') {
    out(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const dataDir = resolveDataDir(env);
  let configured: string;
  try {
    configured = loadConfig(dataDir, env).config.vision.manifest || join(dataDir, 'models', 'manifest.json');
  } catch (error) {
    out(error instanceof ConfigError ? error.message : `cannot read the configuration: ${(error as Error).message}`);
    return 1;
  }
  const active = activeModel(dataDir);
  const current = active && existsSync(active.manifest) ? active.manifest : configured;
  if (command === 'status') {
    out(`running: ${current}${existsSync(current) ? '' : ' (missing: the kiosk is out of service)'}`);
    out(`previous (rollback): ${active?.previous ?? 'none'}`);
    return 0;
  }
  if (command === 'rollback') {
    if (!active?.previous) {
      out('nothing to roll back to: no model has been installed over another');
      return 1;
    }
    const json = { manifest: active.previous, previous: active.manifest, rolledBack: active.rolledBack ?? [] };
    writeFileAtomic(join(dataDir, 'models', 'active.json'), `${JSON.stringify(json, null, 2)}\n`);
    out(`now ${active.previous} (was ${active.manifest}); restart the kiosk to load it`);
    return 0;
  }
  if (!arg) {
    out('usage: npm run model -- install <folder>');
    return 2;
  }
  try {
    const installed = installModelPackage(resolve(arg), dataDir, current);
    out(`installed model ${installed.version} (${installed.classes.length} classes) as ${installed.manifest}`);
    out(
      `previous kept for rollback: ${installed.previous}; restart the kiosk to load it (systemctl restart rvm-kiosk)`,
    );
    return 0;
  } catch (error) {
    out(`not installed, nothing changed: ${(error as Error).message}`);
    return 1;
  }
}

function pack([folder, output]: readonly string[], out: (line: string) => void): number {
  if (!folder || !output) {
    out('usage: npm run model -- pack <package folder> <out.onnx>');
    return 2;
  }
  try {
    const packed = packModel(resolve(folder));
    writeFileAtomic(resolve(output), packed.bytes, 0o644);
    out(
      `packed ${packed.version ?? 'the model'} (${packed.classes} classes) with its manifest into ${resolve(output)}`,
    );
    out(`sha256: ${createHash('sha256').update(packed.bytes).digest('hex')}`);
    return 0;
  } catch (error) {
    out(`not packed: ${(error as Error).message}`);
    return 1;
  }
}

if (process.argv[1]?.endsWith('model-cli.js')) {
  process.exitCode = runModelCli(process.argv.slice(2), (line) => console.log(line));
}
