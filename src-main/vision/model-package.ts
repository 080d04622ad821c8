import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import { classesMissingFromModel, loadManifest } from './model-manifest';
import { parseModelInfo } from './model-info';
import { readOnnxMetadata } from './onnx-metadata';
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

export function installModelPackage(folder: string, dataDir: string, currentManifest: string): InstalledPackage {
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
  const version = manifest.version ?? actual.slice(0, 12);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(version))
    throw new Error(`the version "${version}" is not a plain name (letters, digits, . _ -)`);
  const target = join(dataDir, 'models', 'packages', version);
  mkdirSync(target, { recursive: true });
  copyFileSync(manifest.modelPath, join(target, 'model.onnx'));
  const raw = JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
  const installed = join(target, 'manifest.json');
  writeFileAtomic(installed, `${JSON.stringify({ ...raw, model: 'model.onnx', version }, null, 2)}\n`);
  const active = activeModel(dataDir);
  writeFileAtomic(
    join(dataDir, 'models', 'active.json'),
    `${JSON.stringify({ manifest: installed, previous: currentManifest, rolledBack: active?.rolledBack ?? [] }, null, 2)}\n`,
  );
  return { manifest: installed, version, classes: info.names, previous: currentManifest };
}
