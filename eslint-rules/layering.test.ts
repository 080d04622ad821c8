import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

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
  ])('allows %s importing: %s', async (file, code) => {
    expect(await layering(file, code)).toEqual([]);
  });

  it('runs on the real tree: the project lints clean of layering errors', async () => {
    const results = await eslint.lintFiles(['src-main', 'src-preload', 'src-renderer']);
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'rvm/layering'));
    expect(results.length).toBeGreaterThan(20);
    expect(violations).toEqual([]);
  });
});
