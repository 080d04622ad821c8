// Types for build/before-pack.mjs (the tests import it; the project's TypeScript does not read JavaScript).
export interface PackCheck {
  /** builder-util's Arch number as electron-builder passes it, or its name ("x64", "arm64"). */
  arch: number | string;
  projectDir: string;
  /** process.arch of the machine packing. */
  hostArch?: string;
  /** Names of the targets being made ("deb", "appImage"). */
  targets?: string[];
  /** electron-builder.yml deb.fpm. */
  fpm?: string[];
  cwd?: string;
}
export function packProblems(check: PackCheck): string[];
export default function beforePack(context: unknown): Promise<void>;
