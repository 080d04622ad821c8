import { useRef, useState, type PointerEvent } from 'react';
import type { TrainingSample } from '../../src-preload/contract';
import { fitContain } from '../customer/geometry';

/** Centre x, y and width, height as fractions of the picture (YOLO). */
export type NormBox = [number, number, number, number];
type Point = readonly [number, number];

/** A swipe moves to the next or previous sample once the finger travels this far sideways. */
const SWIPE_PX = 60;
/** A drawn box smaller than this (as a fraction of the picture) is a slip of the finger, not a box. */
const MIN_BOX = 0.01;

const clamp = (v: number) => Math.min(1, Math.max(0, v));

/** Where a pointer lies on a picture of `width`×`height` drawn whole and centred in `rect`, as fractions (clamped). */
export function toPicturePoint(
  clientX: number,
  clientY: number,
  rect: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
): Point {
  const fit = fitContain(width, height, rect.width, rect.height);
  return [
    clamp((clientX - rect.left - fit.offsetX) / fit.width),
    clamp((clientY - rect.top - fit.offsetY) / fit.height),
  ];
}

/** Two corners → a YOLO box (centre and size), rounded to six places as the labels are written. */
export function boxFromCorners([x1, y1]: Point, [x2, y2]: Point): NormBox {
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const [left, right] = [Math.min(x1, x2), Math.max(x1, x2)];
  const [top, bottom] = [Math.min(y1, y2), Math.max(y1, y2)];
  return [round((left + right) / 2), round((top + bottom) / 2), round(right - left), round(bottom - top)];
}

/**
 * The sample's picture, large, with the model's box (dashed) and the technician's (solid). In draw mode a
 * drag draws a new box; otherwise a sideways swipe moves to the next or previous sample.
 */
export function BoxEditor({
  sample,
  dataUrl,
  drawing,
  box,
  label,
  onBox,
  onSwipe,
}: {
  sample: TrainingSample;
  dataUrl: string | undefined;
  drawing: boolean;
  /** The technician's box: drawn now, or given at an earlier review. */
  box: NormBox | null;
  label: string;
  onBox: (box: NormBox) => void;
  onSwipe: (direction: 1 | -1) => void;
}) {
  const { width, height } = sample;
  const start = useRef<{ client: Point; picture: Point } | undefined>(undefined);
  const [dragged, setDragged] = useState<NormBox | undefined>();
  const at = (e: PointerEvent<SVGSVGElement>) =>
    toPicturePoint(e.clientX, e.clientY, e.currentTarget.getBoundingClientRect(), width, height);

  const down = (e: PointerEvent<SVGSVGElement>) => {
    start.current = { client: [e.clientX, e.clientY], picture: at(e) };
    if (drawing) e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const move = (e: PointerEvent<SVGSVGElement>) => {
    if (drawing && start.current) setDragged(boxFromCorners(start.current.picture, at(e)));
  };
  const up = (e: PointerEvent<SVGSVGElement>) => {
    const from = start.current;
    start.current = undefined;
    setDragged(undefined);
    if (!from) return;
    if (drawing) {
      const drawn = boxFromCorners(from.picture, at(e));
      if (drawn[2] >= MIN_BOX && drawn[3] >= MIN_BOX) onBox(drawn);
      return;
    }
    const dx = e.clientX - from.client[0];
    const dy = e.clientY - from.client[1];
    if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > Math.abs(dy)) onSwipe(dx < 0 ? 1 : -1);
  };

  const rect = (b: readonly number[], className: string, testId: string) => (
    <rect
      className={className}
      data-testid={testId}
      data-box={b.join(' ')}
      x={(b[0]! - b[2]! / 2) * width}
      y={(b[1]! - b[3]! / 2) * height}
      width={b[2]! * width}
      height={b[3]! * height}
      vectorEffect="non-scaling-stroke"
    />
  );
  const shown = dragged ?? box;
  return (
    <svg
      className={drawing ? 'box-editor box-editor--drawing' : 'box-editor'}
      data-testid="box-editor"
      data-drawing={drawing}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label={label}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={() => {
        start.current = undefined;
        setDragged(undefined);
      }}
    >
      <rect className="box-editor__frame" width={width} height={height} />
      {dataUrl && <image href={dataUrl} width={width} height={height} />}
      {sample.box && rect(sample.box, 'box-editor__model', 'model-box')}
      {shown && rect(shown, 'box-editor__label', 'label-box')}
    </svg>
  );
}
