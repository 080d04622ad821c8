import type { AppError } from '../../src-preload/contract';
import type { MessageKey } from '../i18n/i18n';
import type { SetupForm } from './form';

/** The fields of the form that can be wrong (the two choices cannot). */
export type FieldKey = Exclude<keyof SetupForm, 'profile' | 'cameraKind'>;
/** What is wrong, by field, as the words to show next to it. */
export type FieldErrors = Partial<Record<FieldKey, MessageKey>>;

/** What to say for each field, whoever found it wrong. */
const MESSAGE: Record<FieldKey, MessageKey> = {
  baseUrl: 'st.err.baseUrl',
  credentials: 'st.err.credentials',
  rvmId: 'st.err.rvmId',
  email: 'st.err.email',
  password: 'st.err.password',
  apiKey: 'st.err.apiKey',
  camera: 'st.err.camera',
  cameraUrl: 'st.err.cameraUrl',
  cameraFolder: 'st.err.cameraFolder',
  manifest: 'st.err.manifest',
  timezone: 'st.err.timezone',
  techName: 'st.err.techName',
  pin: 'st.err.pin',
  pin2: 'st.pinsDiffer',
};

const isUrl = (text: string, protocols: readonly string[]) => {
  try {
    const url = new URL(text.trim());
    return protocols.includes(url.protocol) && url.host !== '';
  } catch {
    return false;
  }
};
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The platform part, checked as the contract and main will (before a connection test or the save). */
export function platformErrors(form: SetupForm): FieldErrors {
  const wrong: FieldKey[] = [];
  if (!isUrl(form.baseUrl, ['http:', 'https:'])) wrong.push('baseUrl');
  if (form.profile === 'v1') {
    if (form.credentials.trim().length < 2 || form.credentials.length > 10_000) wrong.push('credentials');
  } else {
    if (!/^[1-9]\d*$/.test(form.rvmId.trim())) wrong.push('rvmId');
    if (!/^[^@\s]+@[^@\s]+$/.test(form.email.trim()) || form.email.length > 255) wrong.push('email');
    if (form.password.length < 6 || form.password.length > 255) wrong.push('password');
    if (form.apiKey.length > 255) wrong.push('apiKey');
  }
  const errors: FieldErrors = Object.fromEntries(wrong.map((k) => [k, MESSAGE[k]]));
  if (form.profile === 'v1' && !errors.credentials && !isJson(form.credentials)) {
    errors.credentials = 'st.err.credentialsBad';
  }
  return errors;
}

/** Everything the save needs; `timezones`: the zones main offered (none known: any typed is tried). */
export function formErrors(form: SetupForm, timezones: readonly string[] = []): FieldErrors {
  const wrong: FieldKey[] = [];
  if (form.cameraKind === 'v4l2' && !form.camera.trim().startsWith('/dev/')) wrong.push('camera');
  if (form.cameraKind === 'stream' && !isUrl(form.cameraUrl, ['rtsp:', 'rtsps:', 'http:', 'https:'])) {
    wrong.push('cameraUrl');
  }
  if (form.cameraKind === 'replay' && form.cameraFolder.trim() === '') wrong.push('cameraFolder');
  if (form.manifest === '') wrong.push('manifest');
  if (form.timezone.trim() === '' || (timezones.length > 0 && !timezones.includes(form.timezone))) {
    wrong.push('timezone');
  }
  if (form.techName.trim() === '' || form.techName.length > 100) wrong.push('techName');
  if (!/^\d{6}$/.test(form.pin)) wrong.push('pin');
  else if (form.pin2 !== form.pin) wrong.push('pin2');
  return { ...platformErrors(form), ...Object.fromEntries(wrong.map((k) => [k, MESSAGE[k]])) };
}

/**
 * The field a refusal from main is about, from the place in the request it names (`error.path`, as
 * in the setup request; a connection test's is inside `platform`), with the words for it. Undefined:
 * it names none of the form's fields.
 */
export function fieldOfError(error: AppError, form: SetupForm, inPlatform = false): FieldErrors | undefined {
  if (error.code !== 'BAD_REQUEST' || !error.path) return undefined;
  const [section, key] = inPlatform ? ['platform', ...error.path] : error.path;
  let field: FieldKey | undefined;
  if (section === 'platform') {
    const platformFields: Record<string, FieldKey> = {
      baseUrl: 'baseUrl',
      credentialsJson: 'credentials',
      rvmId: 'rvmId',
      email: 'email',
      password: 'password',
      apiKey: 'apiKey',
    };
    field = typeof key === 'string' ? platformFields[key] : undefined;
  } else if (section === 'camera') {
    field = form.cameraKind === 'v4l2' ? 'camera' : form.cameraKind === 'stream' ? 'cameraUrl' : 'cameraFolder';
  } else if (section === 'manifest' || section === 'timezone') {
    field = section;
  } else if (section === 'technician') {
    field = key === 'pin' ? 'pin' : 'techName';
  }
  if (!field) return undefined;
  // A credentials file main refused is there but wrong, not missing.
  return { [field]: field === 'credentials' ? 'st.err.credentialsBad' : MESSAGE[field] };
}

/** The fields in the order they stand on screen, to bring the first one in error into view. */
export const FIELD_ORDER: readonly FieldKey[] = [
  'baseUrl',
  'credentials',
  'rvmId',
  'email',
  'password',
  'apiKey',
  'camera',
  'cameraUrl',
  'cameraFolder',
  'manifest',
  'timezone',
  'techName',
  'pin',
  'pin2',
];
