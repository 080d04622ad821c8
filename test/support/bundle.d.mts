/** Bundles `entry` (TypeScript) to an .mjs file under node_modules/.cache and returns its path. */
export function bundleForNode(entry: string): Promise<string>;
