import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file';
import type { DatasetStore, Sample } from './dataset.store';

export interface ExportOptions {
  /** The model's own classes first, in its order (so a retrained model keeps their ids); new names follow. */
  readonly classes: readonly string[];
  /** Share of samples in the validation split (by a hash of the sample id: stable across exports). */
  readonly valFraction?: number;
  /** Also samples nobody reviewed yet, labelled with the model's own answer. */
  readonly includeUnreviewed?: boolean;
}

export interface ExportResult {
  readonly folder: string;
  readonly images: { train: number; val: number };
  readonly byClass: Record<string, number>;
  readonly skipped: number;
}

/**
 * An Ultralytics YOLO dataset in `folder`: images/{train,val}/<id>.jpg, labels/{train,val}/<id>.txt
 * ("class cx cy w h", fractions of the picture; an empty file for "no item", a negative example) and
 * data.yaml with the class names. Bad images, and unreviewed ones unless asked, stay out.
 */
export function exportYolo(store: DatasetStore, folder: string, options: ExportOptions): ExportResult {
  const names = [...options.classes];
  const idOf = (name: string) => {
    let id = names.indexOf(name);
    if (id < 0) id = names.push(name) - 1;
    return id;
  };
  for (const split of ['train', 'val']) {
    mkdirSync(join(folder, 'images', split), { recursive: true });
    mkdirSync(join(folder, 'labels', split), { recursive: true });
  }
  const images = { train: 0, val: 0 };
  const byClass: Record<string, number> = {};
  let skipped = 0;
  for (const sample of store.all()) {
    const label = labelOf(sample, options.includeUnreviewed ?? false);
    const source = store.imagePath(sample.id);
    if (label === undefined || !existsSync(source)) {
      skipped++;
      continue;
    }
    const split = inValidation(sample.id, options.valFraction ?? 0.2) ? 'val' : 'train';
    copyFileSync(source, join(folder, 'images', split, `${sample.id}.jpg`));
    const line = label ? `${idOf(label.cls)} ${label.box.map((v) => v.toFixed(6)).join(' ')}\n` : '';
    writeFileAtomic(join(folder, 'labels', split, `${sample.id}.txt`), line);
    if (label) byClass[label.cls] = (byClass[label.cls] ?? 0) + 1;
    images[split]++;
  }
  const yaml = [
    '# RVM Kiosk training data (npm run dataset -- export). Train: yolo detect train data=data.yaml',
    `path: ${JSON.stringify(folder)}`,
    'train: images/train',
    'val: images/val',
    'names:',
    ...names.map((name, i) => `  ${i}: ${JSON.stringify(name)}`),
    '',
  ].join('\n');
  writeFileAtomic(join(folder, 'data.yaml'), yaml);
  return { folder, images, byClass, skipped };
}

/** The sample's label: a class and box, null for a negative ("no item"), undefined when it stays out. */
function labelOf(s: Sample, includeUnreviewed: boolean): { cls: string; box: readonly number[] } | null | undefined {
  if (s.label === 'no_item') return null;
  if ((s.label === 'confirmed' || s.label === 'corrected') && s.labelClass && s.labelBox)
    return { cls: s.labelClass, box: s.labelBox };
  if (s.label === 'unreviewed' && includeUnreviewed && s.box && s.className !== 'unknown')
    return { cls: s.className, box: s.box };
  return undefined;
}

function inValidation(id: number, fraction: number): boolean {
  const h = createHash('sha256').update(`sample:${id}`).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < fraction;
}
