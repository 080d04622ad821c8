// Layering rule (after VS Code's import-layer rule): fails lint when an import crosses layers the
// wrong way. Layers, by the importing file's folder:
//   src-preload/contract/  imports only itself and zod
//   src-renderer/          imports only itself, src-preload/contract and browser-safe packages
//   src-preload/           imports only itself (electron only in preload.ts; types anywhere here)
//   src-main/              imports src-preload/contract, never src-renderer; inside src-main, each folder
//                          imports only the folders MAIN_LAYERS lists for it (a table with no cycle)
//   everywhere             a value import of 'electron' only in src-main/electron/ and src-preload/preload.ts
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const ELECTRON_VALUE_ALLOWED = ['src-main/electron/', 'src-preload/preload.ts'];
const ELECTRON_TYPE_ALLOWED = ['src-main/electron/', 'src-preload/'];
/** Paths are taken relative to the repository (this file's parent folder), wherever lint runs from. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Which src-main folders each src-main folder may import (besides itself), lowest first. The kernel
 * (clock, event hub, router and failures, contract types, health) imports no feature; core is the
 * composition root; electron, remote and cli are entry points. A new folder must be added here.
 */
export const MAIN_LAYERS = {
  log: [],
  fs: [],
  assets: [],
  image: [],
  kernel: ['log'],
  config: ['fs'],
  store: ['kernel', 'config', 'fs', 'log'],
  hardware: ['kernel', 'config', 'log'],
  camera: ['kernel', 'config', 'image', 'log'],
  monitor: ['kernel', 'config', 'fs', 'log'],
  printer: ['kernel', 'config', 'log'],
  notify: ['kernel', 'config', 'store', 'log'],
  dataset: ['kernel', 'config', 'image', 'vision', 'fs', 'log'],
  payout: ['kernel', 'config', 'store', 'printer', 'fs', 'log'],
  deposit: ['kernel', 'config', 'store', 'hardware', 'image', 'fs', 'log'],
  platform: ['kernel', 'config', 'store', 'fs', 'log'],
  backup: ['kernel', 'config', 'store', 'deposit', 'fs', 'log'],
  vision: ['kernel', 'config', 'camera', 'image', 'platform', 'fs', 'log'],
  maintenance: ['kernel', 'config', 'store', 'hardware', 'deposit', 'monitor', 'vision', 'platform', 'fs', 'log'],
  setup: ['kernel', 'config', 'maintenance', 'platform', 'vision', 'fs', 'log'],
  core: [
    'kernel',
    'config',
    'store',
    'hardware',
    'camera',
    'image',
    'deposit',
    'payout',
    'printer',
    'notify',
    'dataset',
    'platform',
    'backup',
    'vision',
    'monitor',
    'maintenance',
    'setup',
    'fs',
    'log',
  ],
  remote: ['core', 'kernel', 'config', 'assets', 'payout', 'log'],
  cli: ['backup', 'dataset', 'hardware', 'maintenance', 'payout', 'platform', 'store', 'vision'],
  electron: ['core', 'cli', 'remote', 'kernel', 'config', 'assets', 'vision', 'log'],
};

/** The table's own cycle, if any (a folder that can reach itself), as a path; undefined when none. */
export function layerCycle(layers = MAIN_LAYERS) {
  const state = new Map();
  const visit = (folder, path) => {
    if (state.get(folder) === 'done') return undefined;
    if (state.get(folder) === 'open') return [...path.slice(path.indexOf(folder)), folder];
    state.set(folder, 'open');
    for (const next of layers[folder] ?? []) {
      const cycle = visit(next, [...path, folder]);
      if (cycle) return cycle;
    }
    state.set(folder, 'done');
    return undefined;
  };
  for (const folder of Object.keys(layers)) {
    const cycle = visit(folder, []);
    if (cycle) return cycle;
  }
  return undefined;
}

const tableCycle = layerCycle();
if (tableCycle) throw new Error(`eslint-rules/layering.js: MAIN_LAYERS has a cycle: ${tableCycle.join(' → ')}`);

const isUnder = (path, prefixes) => prefixes.some((p) => path === p || path.startsWith(p));
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Returns why `spec` may not be imported from `file`, or undefined when it may. */
export function layerViolation(file, spec, typeOnly = false) {
  const local = spec.startsWith('.') || spec.startsWith('/');
  const target = local
    ? relative(ROOT, resolve(dirname(resolve(ROOT, file)), spec))
        .split('\\')
        .join('/')
    : undefined;
  const from = relative(ROOT, resolve(ROOT, file)).split('\\').join('/');
  if (!local && packageName(spec) === 'electron') {
    const allowed = isUnder(from, typeOnly ? ELECTRON_TYPE_ALLOWED : ELECTRON_VALUE_ALLOWED);
    if (!allowed) return `only src-main/electron/ (and the preload entry) may import 'electron'`;
  }
  // Tests beside the code may use the test runner; their local imports obey the layer like the code.
  const isTest = /\.test\.[cm]?[jt]sx?$/.test(from);
  if (from.startsWith('src-preload/contract/')) {
    if (local ? !target.startsWith('src-preload/contract/') : spec !== 'zod' && !isTest) {
      return `src-preload/contract may import only itself and 'zod'`;
    }
    return undefined;
  }
  if (from.startsWith('src-renderer/')) {
    if (local && !isUnder(target, ['src-renderer/', 'src-preload/contract/', 'src-preload/contract'])) {
      return `src-renderer may import only src-renderer and src-preload/contract`;
    }
    if (!local && BUILTINS.has(spec) && !isTest) return `src-renderer may not import Node built-ins`;
    return undefined;
  }
  if (from.startsWith('src-preload/')) {
    if (local && !target.startsWith('src-preload/')) return `src-preload may import only src-preload`;
    return undefined;
  }
  if (from.startsWith('src-main/') && local && target.startsWith('src-renderer/')) {
    return `src-main may not import src-renderer (talk through the contract)`;
  }
  if (from.startsWith('src-main/') && local && target.startsWith('src-main/')) return mainLayerViolation(from, target);
  return undefined;
}

/** Inside src-main: a folder imports itself and what MAIN_LAYERS lists for it. */
function mainLayerViolation(from, target) {
  const fromFolder = from.split('/')[1];
  const toFolder = target.split('/')[1];
  // A file directly in src-main/ (none today) or the same folder: nothing to check.
  if (!from.slice('src-main/'.length).includes('/') || fromFolder === toFolder) return undefined;
  const allowed = MAIN_LAYERS[fromFolder];
  if (!allowed)
    return `src-main/${fromFolder}/ is not in the layering table: add it to MAIN_LAYERS (eslint-rules/layering.js)`;
  if (!target.slice('src-main/'.length).includes('/')) return undefined;
  if (!allowed.includes(toFolder)) {
    return `src-main/${fromFolder}/ may not import src-main/${toFolder}/ (it may import: ${allowed.join(', ') || 'nothing'}; see MAIN_LAYERS)`;
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the process layers of the kiosk (see ARCHITECTURE.md)' },
    messages: { layer: "Import '{{spec}}' crosses a layer: {{why}}." },
    schema: [],
  },
  create(context) {
    const check = (node, source, typeOnly) => {
      if (!source || typeof source.value !== 'string') return;
      const why = layerViolation(context.filename, source.value, typeOnly);
      if (why) context.report({ node, messageId: 'layer', data: { spec: source.value, why } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.source, true),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0], false);
      },
    };
  },
};

export default { meta: { name: 'rvm-layering' }, rules: { layering: rule } };
