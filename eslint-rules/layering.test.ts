import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { layerCycle, layerViolation, MAIN_LAYERS } from './layering.js';

const eslint = new ESLint({ cwd: process.cwd() });

/** Lints a snippet as if it lived at `filePath`, returning only the layering messages. */
async function layering(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'rvm/layering').map((m) => m.message);
}

describe('layering lint rule', () => {
  it.each([
    ['src-renderer/customer/X.tsx', "import { readFileSync } from 'node:fs';", /Node built-ins/],
    [
      'src-renderer/customer/X.tsx',
      "import { KioskCore } from '../../src-main/core/kiosk-core';",
      /only src-renderer and src-preload\/contract/,
    ],
    [
      'src-renderer/customer/X.tsx',
      "import { createIpcApi } from '../../src-preload/ipc-client';",
      /only src-renderer and src-preload\/contract/,
    ],
    ['src-renderer/customer/X.tsx', "import { ipcRenderer } from 'electron';", /only src-main\/electron/],
    ['src-preload/contract/x.ts', "import React from 'react';", /only itself and 'zod'/],
    [
      'src-preload/contract/x.ts',
      "import { CONFIG_FILE } from '../../src-main/config/config.loader';",
      /only itself and 'zod'/,
    ],
    ['src-main/core/x.ts', "import { app } from 'electron';", /only src-main\/electron/],
    ['src-main/core/x.ts', "const e = require('electron');", /only src-main\/electron/],
    ['src-main/core/x.ts', "export { app } from 'electron';", /only src-main\/electron/],
    ['src-main/core/x.ts', "const m = await import('electron');", /only src-main\/electron/],
    ['src-main/core/x.ts', "import { App } from '../../src-renderer/App';", /may not import src-renderer/],
    ['src-preload/contract/x.test.ts', "import { KioskCore } from '../../src-main/core/kiosk-core';", /only itself/],
    // Inside src-main: the folder table.
    ['src-main/kernel/x.ts', "import { DepositService } from '../deposit/deposit.service';", /kernel\/ may not import/],
    ['src-main/deposit/x.ts', "import { applyStagedRestore } from '../backup/backup.service';", /deposit\/ may not/],
    [
      'src-main/camera/x.ts',
      "import { Detector } from '../vision/detector';",
      /camera\/ may not import src-main\/vision/,
    ],
    ['src-main/vision/x.test.ts', "import { KioskCore } from '../core/kiosk-core';", /vision\/ may not import/],
    ['src-main/newfolder/x.ts', "import { Clock } from '../kernel/clock';", /not in the layering table/],
  ])('fails %s importing: %s', async (file, code, why) => {
    const messages = await layering(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(why);
  });

  it.each([
    ['src-renderer/customer/X.tsx', "import { contract } from '../../src-preload/contract';"],
    ['src-renderer/customer/X.tsx', "import { create } from 'zustand';"],
    ['src-preload/contract/x.ts', "import { z } from 'zod'; import { call } from './define';"],
    ['src-main/electron/x.ts', "import { app } from 'electron';"],
    ['src-preload/preload.ts', "import { contextBridge } from 'electron';"],
    ['src-preload/ipc-client.ts', "import type { IpcRenderer } from 'electron';"],
    ['src-main/core/x.ts', "import { contract } from '../../src-preload/contract';"],
    ['src-preload/contract/x.test.ts', "import { it } from 'vitest';"],
    ['src-main/deposit/x.ts', "import { SessionRepo } from '../store/session.repo';"],
    ['src-main/camera/x.ts', "import { letterboxFor } from '../image/letterbox';"],
    ['src-main/core/x.ts', "import { DepositService } from '../deposit/deposit.service';"],
  ])('allows %s importing: %s', async (file, code) => {
    expect(await layering(file, code)).toEqual([]);
  });

  it('the table has no cycle, and a cycle would be named', () => {
    expect(layerCycle()).toBeUndefined();
    expect(layerCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not depend on the folder lint runs from', () => {
    const cwd = process.cwd();
    try {
      process.chdir('/tmp');
      expect(layerViolation('src-main/deposit/x.ts', '../backup/backup.service')).toMatch(/may not import/);
      expect(layerViolation('src-main/deposit/x.ts', '../store/session.repo')).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });

  it('the real src-main keeps to the table (every folder listed, every import allowed)', () => {
    const violations: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    const files = walk('src-main');
    for (const file of files) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
        const why = layerViolation(file, spec!);
        if (why) violations.push(`${file}: ${spec} — ${why}`);
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(Object.keys(MAIN_LAYERS)).toEqual(
      expect.arrayContaining(
        readdirSync('src-main', { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name),
      ),
    );
    expect(violations).toEqual([]);
  });
});
