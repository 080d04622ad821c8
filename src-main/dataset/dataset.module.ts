import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemVerdict } from '../../src-preload/contract';
import type { Config } from '../config/config.schema';
import { checkTarget } from '../fs/removable-drives';
import type { Handlers } from '../kernel/contract-types';
import { AppFailure } from '../kernel/router';
import type { Logger } from '../log/logger';
import { captureSample, type CapturedFrame } from './capture';
import { DatasetStore } from './dataset.store';
import { modelClasses } from './model-classes';
import { exportYolo } from './yolo-export';

export interface DatasetDeps {
  readonly config: Config;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly modelVersion: () => string | null;
  /** The running model's class names (already loaded by the worker); undefined before it runs. */
  readonly modelNames: () => readonly string[] | undefined;
}

/**
 * The data engine on the machine: every verdict's frame is kept as a training sample (informative ones
 * longest), reviewed on the maintenance screen's Training data tab, and exported as a YOLO dataset.
 */
export class DatasetModule {
  readonly store: DatasetStore;
  readonly #d: DatasetDeps;

  constructor(deps: DatasetDeps) {
    this.#d = deps;
    this.store = new DatasetStore(join(deps.dataDir, 'dataset'), deps.config.vision.dataset.maxMb, deps.logger);
  }

  /** Keeps a verdict's frame (never throws, never delays the customer: it runs after the verdict). */
  capture(verdict: ItemVerdict, frame: CapturedFrame): void {
    const { peopleClasses, people } = this.#d.config.vision.dataset;
    void captureSample(this.store, verdict, frame, this.#d.modelVersion(), { peopleClasses, people }, this.#d.logger);
  }

  close(): void {
    this.store.close();
  }

  /** The running model's classes; from the model file only while none runs (it is read whole). */
  #classes(): string[] {
    return [...(this.#d.modelNames() ?? modelClasses(this.#d.config, this.#d.dataDir))];
  }

  handlers(): Handlers['dataset'] {
    const { config } = this.#d;
    return {
      stats: () => ({ ...this.store.stats(), classes: this.#classes() }),
      samples: ({ label, limit, offset }) => this.store.list(label, limit, offset),
      image: ({ id }) => {
        try {
          return { dataUrl: `data:image/jpeg;base64,${readFileSync(this.store.imagePath(id)).toString('base64')}` };
        } catch {
          throw new AppFailure(
            'BAD_REQUEST',
            `no picture for training sample ${id} (it may have made room for newer ones)`,
          );
        }
      },
      label: ({ id, label, className, box }) => {
        try {
          return this.store.label(id, label, className, box);
        } catch (error) {
          throw new AppFailure('BAD_REQUEST', (error as Error).message);
        }
      },
      export: ({ target, includeUnreviewed }) => {
        let folder: string;
        try {
          folder = checkTarget(target, config.maintenance.exportRoots);
        } catch (error) {
          throw new AppFailure('BAD_REQUEST', (error as Error).message);
        }
        const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
        return exportYolo(this.store, join(folder, `rvm-dataset-${config.machine.id}-${stamp}`), {
          classes: this.#classes(),
          includeUnreviewed,
        });
      },
    };
  }
}

/** With vision or the dataset off, every call says so. */
export function datasetOff(): Handlers['dataset'] {
  const off = (): never => {
    throw new AppFailure(
      'UNAVAILABLE',
      'no training data on this machine (vision.enabled or vision.dataset.enabled is off)',
    );
  };
  return { stats: off, samples: off, image: off, label: off, export: off };
}
