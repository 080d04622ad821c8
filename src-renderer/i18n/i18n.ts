import { en } from './en';
import { id, type MessageKey } from './id';

export type Locale = 'id' | 'en';
export type { MessageKey };

const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { id, en };

/** Looks a message up and fills `{name}` placeholders. */
export function translate(locale: Locale, key: MessageKey, params: Readonly<Record<string, string>> = {}): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (match, name: string) => params[name] ?? match);
}
