import { classesMissingFromModel, type Manifest } from './model-manifest';

/** An accepted item of a material nobody priced could not be credited: such rules are refused. */
export function checkPrices(manifest: Manifest, path: string, priced: readonly string[] | undefined): void {
  if (!priced) return;
  const materials = Object.values(manifest.classes).flatMap((rule) => ('material' in rule ? [rule.material] : []));
  const unpriced = [...new Set(materials)].filter((m) => !priced.includes(m));
  if (unpriced.length) {
    throw new Error(
      `${path} accepts ${unpriced.join(', ')}, which deposit.materials does not price: price ${unpriced.length > 1 ? 'them' : 'it'} first`,
    );
  }
}

/** Refuses a manifest that names classes the model does not have (its names come from the loaded model). */
export function checkClasses(manifest: Manifest, names: readonly string[] | undefined, path: string): void {
  if (!names) return;
  const missing = classesMissingFromModel(manifest, names);
  if (missing.length) {
    throw new Error(
      `${path} names classes the model does not have (${missing.join(', ')}); the model's are ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}: install the model with its own manifest (a model package)`,
    );
  }
}
