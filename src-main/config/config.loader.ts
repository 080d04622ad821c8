import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-file';
import { provisionedMachineId } from './machine-identity';
import { ConfigSchema, SECRET_PATHS, type Config } from './config.schema';

export const CONFIG_FILE = 'config.json';
export const LAST_GOOD_FILE = 'config.last-good.json';
/** RVM_* variables that are not config overrides. */
const NON_CONFIG_VARS = new Set(['RVM_DATA_DIR']);

export interface LoadedConfig {
  readonly config: Config;
  readonly path: string;
  readonly loadedFromFile: boolean;
  /** Config keys (dotted) whose value came from an RVM_* variable. */
  readonly overriddenByEnv: readonly string[];
  /**
   * Set when config.json was invalid and the kiosk started on config.last-good.json instead
   * (loadConfig's fallBackToLastGood): what was wrong with config.json.
   */
  readonly fallback?: { readonly problems: readonly ConfigProblem[]; readonly usedFile: string };
}

export interface ConfigProblem {
  readonly key: string;
  readonly value: string;
  readonly rule: string;
  readonly source: string;
}

/** Start-up must stop on this: the message names key, value and rule, and what to do. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
    hint: string,
  ) {
    const lines = problems.map((p) => `  - ${p.key} = ${p.value}: ${p.rule} (${p.source})`);
    super(`Configuration is invalid (${file}):\n${lines.join('\n')}\n${hint}`);
    this.name = 'ConfigError';
  }
}

/** The user-data folder: RVM_DATA_DIR, else $XDG_CONFIG_HOME/rvm-kiosk, else ~/.config/rvm-kiosk. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RVM_DATA_DIR) return env.RVM_DATA_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rvm-kiosk');
}

/**
 * Reads config.json (optional) and RVM_* overrides; throws ConfigError and changes no file when invalid.
 * fallBackToLastGood (the kiosk itself, not the tools): an invalid config.json with a valid
 * config.last-good.json starts on the latter, and `fallback` says what was wrong; ConfigError only
 * when there is no valid configuration at all (a restart loop helps nobody).
 */
export function loadConfig(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { fallBackToLastGood?: boolean } = {},
): LoadedConfig {
  try {
    return loadConfigFile(dataDir, env);
  } catch (error) {
    const lastGood = join(dataDir, LAST_GOOD_FILE);
    if (!options.fallBackToLastGood || !(error instanceof ConfigError) || !existsSync(lastGood)) throw error;
    let good: ReturnType<typeof validate>;
    try {
      good = validate(readJsonObject(lastGood, ''), env, lastGood, '');
    } catch {
      throw error; // the copy is no better (or an RVM_* variable is what is wrong): nothing valid to run on
    }
    return {
      config: good.config,
      path: join(dataDir, CONFIG_FILE),
      loadedFromFile: true,
      overriddenByEnv: [...good.sources.keys()],
      fallback: { problems: error.problems, usedFile: lastGood },
    };
  }
}

function loadConfigFile(dataDir: string, env: NodeJS.ProcessEnv): LoadedConfig {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, CONFIG_FILE);
  const lastGood = join(dataDir, LAST_GOOD_FILE);
  const hint = existsSync(lastGood)
    ? `Fix the value, or remove the key to use its default. Nothing was changed; the last valid configuration is in ${lastGood}.`
    : 'Fix the value, or remove the key to use its default. Nothing was changed.';
  const loadedFromFile = existsSync(path);
  const fromFile = loadedFromFile ? readJsonObject(path, hint) : {};
  const { config, sources } = validate(fromFile, env, path, hint);
  if (loadedFromFile) rememberLastGood(path, lastGood);
  return { config, path, loadedFromFile, overriddenByEnv: [...sources.keys()] };
}

/** The configuration's health check: degraded while the kiosk runs on the last good copy. */
export function configHealth(loaded: LoadedConfig): { status: 'ok' | 'degraded'; detail: string } {
  const { fallback } = loaded;
  if (fallback) {
    const keys = fallback.problems.map((p) => p.key).join(', ');
    return {
      status: 'degraded',
      detail: `config.json is invalid (${keys}): running on the last good copy; fix config.json and restart`,
    };
  }
  return { status: 'ok', detail: loaded.loadedFromFile ? `loaded ${loaded.path}` : 'defaults (no config file)' };
}

/**
 * Checks a given config file (with RVM_* overrides) and changes nothing anywhere: for tools run
 * against a candidate file (`npm run platform -- check --config <file>`).
 */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  const hint = 'Fix the value, or remove the key to use its default.';
  if (!existsSync(path)) {
    const problem = { key: '(file)', value: '(missing)', rule: 'does not exist', source: path };
    throw new ConfigError(path, [problem], 'Give the path of a config.json.');
  }
  return validate(readJsonObject(path, hint), env, path, hint).config;
}

function validate(fromFile: Record<string, unknown>, env: NodeJS.ProcessEnv, path: string, hint: string) {
  const { merged, sources } = applyEnvOverrides(fromFile, env, path, hint);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(path, describeIssues(parsed.error, merged, sources, path), hint);
  }
  // Unset machine.id: the provisioned one (v2 rvm id, v1 serial number), from the folder of this config.
  const machine = merged.machine as { id?: unknown } | undefined;
  if (machine?.id === undefined) parsed.data.machine.id = provisionedMachineId(parsed.data, dirname(path));
  return { config: parsed.data, sources };
}

/**
 * For tools that edit config.json from a technician's shell (maintenance add-technician): checks
 * `candidate` with this shell's RVM_* overrides, except that a secret missing here is taken to come
 * from the kiosk service's environment (/etc/rvm-kiosk/environment, which the shell cannot read).
 * Throws ConfigError for anything else; writes nothing.
 */
export function checkEditedConfig(path: string, candidate: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const hint = 'Fix the value, or remove the key to use its default. Nothing was written.';
  const { merged, sources } = applyEnvOverrides(candidate, env, path, hint);
  const parsed = ConfigSchema.safeParse(merged);
  if (parsed.success) return;
  const missingSecret = (issue: z.core.$ZodIssue) =>
    SECRET_PATHS.includes(issue.path.join('.')) && getPath(merged, issue.path.map(String)) === undefined;
  const problems = parsed.error.issues.filter((issue) => !missingSecret(issue));
  if (problems.length === 0) return;
  throw new ConfigError(path, describeIssues({ issues: problems } as z.ZodError, merged, sources, path), hint);
}

/** Validates first, then writes atomically: an invalid config never replaces a valid file. */
export function saveConfig(path: string, candidate: unknown): Config {
  const parsed = ConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ConfigError(path, describeIssues(parsed.error, candidate, new Map(), path), 'Nothing was written.');
  }
  writeFileAtomic(path, `${JSON.stringify(candidate, null, 2)}\n`);
  return parsed.data;
}

function readJsonObject(path: string, hint: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Only where, never V8's quote of the text around it: the file may hold a secret (a token).
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const rule = `is not valid JSON${at === undefined ? '' : ` (at character ${at})`}: check quotes, commas and braces`;
    throw new ConfigError(path, [{ key: '(file)', value: '(unparsed)', rule, source: path }], hint);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const rule = 'must be a JSON object such as {"machine": {"name": "RVM-01"}}';
    throw new ConfigError(path, [{ key: '(file)', value: show(value), rule, source: path }], hint);
  }
  return value as Record<string, unknown>;
}

function rememberLastGood(path: string, lastGood: string): void {
  const current = readFileSync(path, 'utf8');
  if (existsSync(lastGood) && readFileSync(lastGood, 'utf8') === current) return;
  writeFileAtomic(lastGood, current);
}

/** RVM_REMOTE__ALLOW_CIDRS=a,b sets remote.allowCidrs; `__` separates levels, `_` joins words. */
export function envKeyToPath(name: string): string[] {
  return name
    .slice('RVM_'.length)
    .split('__')
    .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

function applyEnvOverrides(base: Record<string, unknown>, env: NodeJS.ProcessEnv, file: string, hint: string) {
  const merged = structuredClone(base);
  const sources = new Map<string, string>();
  const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('RVM_') || NON_CONFIG_VARS.has(name) || raw === undefined) continue;
    const path = envKeyToPath(name);
    const key = path.join('.');
    const known = knownLeaf(path);
    if (!known) {
      const rule = `is not a configuration key; check the spelling (e.g. RVM_MACHINE__NAME for machine.name)`;
      throw new ConfigError(file, [{ key, value: show(raw), rule, source: name }], hint);
    }
    setPath(merged, path, coerce(raw, getPath(defaults, path) ?? exampleOf(path)));
    sources.set(key, name);
  }
  return { merged, sources };
}

function knownLeaf(path: readonly string[]): boolean {
  let schema: z.ZodType = ConfigSchema;
  for (const part of path) {
    const shape = objectShape(schema);
    if (!shape || !Object.hasOwn(shape, part)) return false;
    schema = shape[part] as z.ZodType;
  }
  return objectShape(schema) === undefined;
}

/** A value of the leaf's type, for keys without a default (optional numbers, booleans). */
function exampleOf(path: readonly string[]): unknown {
  let schema: z.ZodType = ConfigSchema;
  for (const part of path) schema = objectShape(schema)![part] as z.ZodType;
  let s: { def?: { type?: string; innerType?: z.ZodType } } = schema as never;
  for (let i = 0; i < 8 && s.def?.innerType; i++) s = s.def.innerType as never;
  return s.def?.type === 'number' ? 0 : s.def?.type === 'boolean' ? false : undefined;
}

function objectShape(schema: z.ZodType): Record<string, unknown> | undefined {
  let s: { def?: { type?: string; innerType?: z.ZodType; in?: z.ZodType }; shape?: Record<string, unknown> } =
    schema as never;
  // Unwrap default/prefault/optional/pipe wrappers to reach an object's shape.
  for (let i = 0; i < 8 && s.def && s.def.type !== 'object'; i++) {
    s = (s.def.innerType ?? s.def.in ?? {}) as never;
  }
  return s.def?.type === 'object' ? s.shape : undefined;
}

function coerce(raw: string, example: unknown): unknown {
  if (typeof example === 'object' && example !== null && !Array.isArray(example)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (typeof example === 'number') return raw.trim() === '' ? raw : Number.isNaN(Number(raw)) ? raw : Number(raw);
  if (typeof example === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (Array.isArray(example)) {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    }
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return raw;
}

function describeIssues(error: z.ZodError, input: unknown, sources: Map<string, string>, file: string) {
  return error.issues.map((issue): ConfigProblem => {
    const key = issue.path.length ? issue.path.join('.') : '(root)';
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    if (unknownKeys.length) {
      const fullKey = [...issue.path, unknownKeys[0]].join('.');
      return {
        key: fullKey,
        value: show(getPath(input, [...issue.path.map(String), unknownKeys[0]!])),
        rule: 'is not a known configuration key',
        source: file,
      };
    }
    const value = SECRET_PATHS.includes(key) ? '(secret, hidden)' : show(getPath(input, issue.path.map(String)));
    // A bad record key ("Invalid key in record") carries the key's own rule inside.
    const rule = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return { key, value, rule, source: sources.get(key) ?? file };
  });
}

function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const part of path.slice(0, -1)) {
    const next = current[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[path[path.length - 1]!] = value;
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The config as the maintenance screen may see it: secrets reduced to whether they are set. */
/** The secret values set in this configuration (tokens, passwords, keys), for the logger to redact. */
export function secretValues(config: Config): string[] {
  return SECRET_PATHS.map((key) => getPath(config as unknown as Record<string, unknown>, key.split('.'))).filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

export function redactConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const key of SECRET_PATHS) {
    const path = key.split('.');
    const present = getPath(copy, path) !== undefined;
    setPath(copy, path, present ? '(set)' : '(not set)');
  }
  // PIN hashes are not PINs, but nobody needs to see them to maintain the machine.
  const technicians = (copy.maintenance as { technicians?: Array<Record<string, unknown>> } | undefined)?.technicians;
  for (const technician of technicians ?? []) technician.pinHash = '(set)';
  return copy;
}
