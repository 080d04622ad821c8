import type { ChangeEvent } from 'react';
import type { PlatformSetup, SetupCamera } from '../../src-preload/contract';
import type { FieldErrors } from './validate';

/** What main found on this machine to choose from, and the camera configured now (null: none). */
export type SetupOptions = {
  cameras: string[];
  camera: SetupCamera | null;
  models: Array<{ manifest: string; label: string }>;
  timezones: string[];
};

/** Everything the setup form holds, as typed. */
export type SetupForm = {
  profile: 'v1' | 'v2';
  baseUrl: string;
  credentials: string;
  rvmId: string;
  email: string;
  password: string;
  apiKey: string;
  cameraKind: SetupCamera['kind'];
  /** The V4L2 device (kind v4l2). */
  camera: string;
  /** The stream address (kind stream). */
  cameraUrl: string;
  /** The folder of images (kind replay). */
  cameraFolder: string;
  manifest: string;
  timezone: string;
  techName: string;
  pin: string;
  pin2: string;
};

export const INITIAL_FORM: SetupForm = {
  profile: 'v1',
  baseUrl: 'https://',
  credentials: '',
  rvmId: '',
  email: '',
  password: '',
  apiKey: '',
  cameraKind: 'v4l2',
  camera: '/dev/video0',
  cameraUrl: '',
  cameraFolder: '',
  manifest: '',
  timezone: 'Asia/Jakarta',
  techName: '',
  pin: '',
  pin2: '',
};

export type SetField = <K extends keyof SetupForm>(key: K, value: SetupForm[K]) => void;

/** What every fieldset gets: the form, a way to change one of its values, and what is wrong with them. */
export type FieldsetProps = { form: SetupForm; set: SetField; errors: FieldErrors };

/** The platform part of the form as the contract takes it, for the generation chosen. */
export const platformOf = (form: SetupForm): PlatformSetup =>
  form.profile === 'v1'
    ? { profile: 'v1', baseUrl: form.baseUrl, credentialsJson: form.credentials }
    : {
        profile: 'v2',
        baseUrl: form.baseUrl,
        rvmId: Number(form.rvmId),
        email: form.email,
        password: form.password,
        ...(form.apiKey ? { apiKey: form.apiKey } : {}),
      };

/** The camera part of the form as the contract takes it, for the kind chosen. */
export const cameraOf = (form: SetupForm): SetupCamera =>
  form.cameraKind === 'v4l2'
    ? { kind: 'v4l2', device: form.camera }
    : form.cameraKind === 'stream'
      ? { kind: 'stream', url: form.cameraUrl }
      : { kind: 'replay', folder: form.cameraFolder };

/** The form's camera values for a camera (the configured one, at the start). */
export const cameraFields = (camera: SetupCamera): Partial<SetupForm> =>
  camera.kind === 'v4l2'
    ? { cameraKind: 'v4l2', camera: camera.device }
    : camera.kind === 'stream'
      ? { cameraKind: 'stream', cameraUrl: camera.url }
      : { cameraKind: 'replay', cameraFolder: camera.folder };

export type TextKey = Exclude<keyof SetupForm, 'profile' | 'cameraKind'>;
type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/**
 * `name` (the form's key: the on-screen keyboard writes through it), `value`, `onChange` and whether
 * it is in error, of a control tied to one text value of the form.
 */
export type Bound = {
  name: TextKey;
  value: string;
  onChange: (event: ChangeEvent<Control>) => void;
  'aria-invalid'?: true;
};

/** `binder(props)('email')` ties a control to `form.email`. */
export const binder =
  ({ form, set, errors }: FieldsetProps) =>
  (key: TextKey): Bound => ({
    name: key,
    value: form[key],
    onChange: (event: ChangeEvent<Control>) => set(key, event.target.value),
    ...(errors[key] ? { 'aria-invalid': true as const } : {}),
  });

/** Whether `name` (an input's) is one of the form's text values. */
export const isTextKey = (name: string): name is TextKey =>
  name in INITIAL_FORM && name !== 'profile' && name !== 'cameraKind';
