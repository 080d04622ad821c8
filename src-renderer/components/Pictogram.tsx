import type { ReactNode } from 'react';

/** The small line pictures that go with an instruction; the words next to them carry the meaning. */
export type PictogramKind = 'empty' | 'hand' | 'one' | 'material' | 'barcode' | 'camera' | 'wait' | 'tick' | 'limit';

const BOTTLE = 'M19 6h10v5l4 7v24a2 2 0 0 1-2 2H17a2 2 0 0 1-2-2V18l4-7z';

/** A mark inside a circle (a clock, a tick, a no-entry sign). */
function circled(mark: string): ReactNode {
  return (
    <>
      <circle cx="24" cy="24" r="18" />
      <path d={mark} />
    </>
  );
}

const SHAPES: Readonly<Record<PictogramKind, ReactNode>> = {
  // A bottle upside down, a drop falling out.
  empty: (
    <>
      <path d={BOTTLE} transform="rotate(180 24 24) translate(-6 0)" />
      <path d="M40 30c-3 4-3 6 0 8 3-2 3-4 0-8z" />
    </>
  ),
  // An open hand, moving out (arrow).
  hand: (
    <>
      <path d="M14 44V22a3 3 0 0 1 6 0v-8a3 3 0 0 1 6 0v-2a3 3 0 0 1 6 0v14l3-4a3 3 0 0 1 5 3l-7 13v6" />
      <path d="M4 10h8M8 6l4 4-4 4" />
    </>
  ),
  // One bottle, with the figure 1.
  one: (
    <>
      <path d={BOTTLE} transform="translate(-6 0)" />
      <path d="M36 16l4-3v22M34 35h8" />
    </>
  ),
  // A bottle and a can.
  material: (
    <>
      <path d={BOTTLE} transform="translate(-8 0)" />
      <rect x="29" y="18" width="13" height="26" rx="2" />
      <path d="M29 22h13" />
    </>
  ),
  barcode: <path d="M6 12v24M11 12v24M15 12v24M21 12v24M24 12v24M29 12v24M34 12v24M37 12v24M42 12v24" />,
  // The label towards the camera: a camera and its view.
  camera: (
    <>
      <rect x="4" y="14" width="24" height="20" rx="3" />
      <circle cx="16" cy="24" r="5" />
      <path d="M28 20l14-6v20l-14-6" />
    </>
  ),
  wait: circled('M24 13v11l7 5'),
  tick: circled('M15 24l6 6 12-12'),
  limit: circled('M12 36L36 12'),
};

/** A pictogram, hidden from assistive technology: the instruction beside it says the same in words. */
export function Pictogram({ kind, className }: { kind: PictogramKind; className?: string }) {
  return (
    <svg
      viewBox="0 0 48 48"
      className={className ? `pictogram ${className}` : 'pictogram'}
      data-pictogram={kind}
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="3"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {SHAPES[kind]}
    </svg>
  );
}
