import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import { classesMissingFromModel, loadManifest, ManifestSchema } from './model-manifest';
import { parseModelInfo } from './model-info';
import { readOnnxMetadata, writeOnnxMetadata } from './onnx-metadata';
import { activeModel } from './vision.module';

/**
 * A model package: a folder (a USB stick, a copy) with manifest.json — class rules, per-language labels,
 * the model's SHA-256 — and the ONNX file it names. Installing checks all of it before anything changes:
 * the hash, the model's metadata, and that every class the manifest names is one of the model's.
 */
export interface InstalledPackage {
  readonly manifest: string;
  readonly version: string;
  readonly classes: readonly string[];
  readonly previous: string;
}

/** Where a model carries its own manifest (class rules, labels, thresholds) inside its ONNX metadata. */
export const EMBEDDED_MANIFEST_KEY = 'rvm_manifest';

/**
 * The package folder as one ONNX file with its manifest inside (metadata "rvm_manifest"): what the
 * platform serves for an update over the air, which brings its own classes and rules. Checked as an
 * install is; the hash is the platform's to give (of this file).
 */
export function packModel(folder: string): { bytes: Uint8Array; version: string | undefined; classes: number } {
  const { raw, bytes, info } = checkedPackage(folder);
  const { model: _model, sha256: _sha, ...rules } = raw;
  const packed = writeOnnxMetadata(bytes, { [EMBEDDED_MANIFEST_KEY]: JSON.stringify(rules) });
  return {
    bytes: packed,
    version: typeof raw.version === 'string' ? raw.version : undefined,
    classes: info.names.length,
  };
}

/** The manifest a model carries inside it (see packModel), or undefined; throws when it is there but not valid. */
export function embeddedManifest(bytes: Uint8Array, file: string): Record<string, unknown> | undefined {
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch {
    return undefined; // not an ONNX file at all: loading it says so, in the words of onnxruntime
  }
  const text = metadata[EMBEDDED_MANIFEST_KEY];
  if (text === undefined) return undefined;
  let rules: unknown;
  try {
    rules = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} carries a manifest that is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ManifestSchema.safeParse({ ...(rules as object), model: 'model.onnx' });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file} carries an invalid manifest: ${problems}`);
  }
  const missing = classesMissingFromModel(parsed.data, parseModelInfo(metadata, file).names);
  if (missing.length)
    throw new Error(`${file} carries a manifest naming classes it does not have: ${missing.join(', ')}`);
  return rules as Record<string, unknown>;
}

function checkedPackage(folder: string) {
  const source = join(folder, 'manifest.json');
  if (!existsSync(source))
    throw new Error(`${folder} has no manifest.json: a model package is a folder with its manifest and model`);
  const manifest = loadManifest(source);
  if (!existsSync(manifest.modelPath))
    throw new Error(`${source} names ${manifest.model}, which is not in the package`);
  if (!manifest.sha256) {
    throw new Error(
      `${source} has no "sha256" of its model: add it (sha256sum ${basename(manifest.modelPath)}) so the copy can be checked`,
    );
  }
  const bytes = readFileSync(manifest.modelPath);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256.toLowerCase()) {
    throw new Error(
      `${manifest.model} does not match its manifest's sha256 (${actual}): the copy is damaged or not this model`,
    );
  }
  const info = parseModelInfo(readOnnxMetadata(bytes), manifest.modelPath);
  const missing = classesMissingFromModel(manifest, info.names);
  if (missing.length) throw new Error(`${source} names classes the model does not have: ${missing.join(', ')}`);
  const raw = JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
  return { source, manifest, bytes, actual, info, raw };
}

export function installModelPackage(folder: string, dataDir: string, currentManifest: string): InstalledPackage {
  const { manifest, actual, info, raw } = checkedPackage(folder);
  const version = manifest.version ?? actual.slice(0, 12);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(version))
    throw new Error(`the version "${version}" is not a plain name (letters, digits, . _ -)`);
  const target = join(dataDir, 'models', 'packages', version);
  mkdirSync(target, { recursive: true });
  copyFileSync(manifest.modelPath, join(target, 'model.onnx'));
  const installed = join(target, 'manifest.json');
  writeFileAtomic(installed, `${JSON.stringify({ ...raw, model: 'model.onnx', version }, null, 2)}\n`);
  const active = activeModel(dataDir);
  writeFileAtomic(
    join(dataDir, 'models', 'active.json'),
    `${JSON.stringify({ manifest: installed, previous: currentManifest, rolledBack: active?.rolledBack ?? [] }, null, 2)}\n`,
  );
  return { manifest: installed, version, classes: info.names, previous: currentManifest };
}
