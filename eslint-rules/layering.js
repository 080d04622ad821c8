// Layering rule (after VS Code's import-layer rule): fails lint when an import crosses layers the
// wrong way. Layers, by the importing file's folder:
//   src-preload/contract/  imports only itself and zod
//   src-renderer/          imports only itself, src-preload/contract and browser-safe packages
//   src-preload/           imports only itself (electron only in preload.ts; types anywhere here)
//   src-main/              imports itself and src-preload/contract, never src-renderer
//   everywhere             a value import of 'electron' only in src-main/electron/ and src-preload/preload.ts
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const ELECTRON_VALUE_ALLOWED = ['src-main/electron/', 'src-preload/preload.ts'];
const ELECTRON_TYPE_ALLOWED = ['src-main/electron/', 'src-preload/'];

const isUnder = (path, prefixes) => prefixes.some((p) => path === p || path.startsWith(p));
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Returns why `spec` may not be imported from `file`, or undefined when it may. */
export function layerViolation(file, spec, typeOnly = false) {
  const local = spec.startsWith('.') || spec.startsWith('/');
  const target = local
    ? relative(process.cwd(), resolve(dirname(resolve(file)), spec))
        .split('\\')
        .join('/')
    : undefined;
  const from = relative(process.cwd(), resolve(file)).split('\\').join('/');
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
