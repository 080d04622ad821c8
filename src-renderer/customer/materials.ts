import type { MessageKey } from '../i18n/i18n';

const KNOWN = ['pet', 'aluminium', 'glass', 'hdpe'] as const;

/** The catalogue key of a material's name; operators' own materials show as "other". */
export function materialKey(material: string | null): MessageKey {
  return (KNOWN as readonly string[]).includes(material ?? '')
    ? (`material.${material}` as MessageKey)
    : 'material.other';
}
