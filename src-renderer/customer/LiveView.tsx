import { useEffect, useRef, useState, type CSSProperties } from 'react';
import type { PreviewDetection, PreviewFrame } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';
import { fitContain, toCanvasBox, toCanvasPoint } from './geometry';
import { materialKey } from './materials';

/** The colour of a box the machine takes (also what the overlay geometry test looks for). */
export const BOX_COLOUR = '#00ff66';
/** Box colours by outcome: taken, handed back, not sure yet (and what the label text is drawn in). */
const OUTCOME_COLOURS = {
  accept: [BOX_COLOUR, '#002b12'],
  reject: ['#ff5c5c', '#2b0000'],
  deciding: ['#ffc400', '#2b2100'],
} as const;
const BOX_LINE_PX = 4;

/**
 * Technicians' raw view (the model's class and score), by opening the kiosk with ?overlay=raw: customers
 * never see the model, only the material in their language.
 */
const RAW = typeof location !== 'undefined' && new URLSearchParams(location.search).get('overlay') === 'raw';

/**
 * The chamber camera with the current detections drawn over it. Frames arrive from main as JPEG
 * (≥ 10 fps while a session takes items); a frame that arrives while the last one is still being
 * decoded replaces it, so the view never lags behind.
 */
export function LiveView() {
  const api = useApi();
  const t = useT();
  const locale = useKioskStore((s) => s.locale);
  // Read by the draw loop without restarting it when the language changes.
  const words = useRef<(d: PreviewDetection) => string>(() => '');
  useEffect(() => {
    words.current = (d) =>
      RAW
        ? `${d.className.replace(/_/g, ' ')} ${Math.round(d.score * 100)}%`
        : (d.label?.[locale] ??
          (d.material
            ? t(materialKey(d.material))
            : t(d.outcome === 'reject' ? 'overlay.notTaken' : 'overlay.checking')));
  }, [locale, t]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hasFrame, setHasFrame] = useState(false);
  // The camera's shape, so a portrait screen sizes the view to the picture instead of black bars.
  const [aspect, setAspect] = useState<number | undefined>(undefined);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let latest: PreviewFrame | undefined;
    let drawing = false;
    let disposed = false;
    const draw = async () => {
      if (drawing) return;
      drawing = true;
      while (latest && !disposed) {
        const frame = latest;
        latest = undefined;
        try {
          await paint(canvas, frame, (d) => words.current(d));
          setHasFrame(true);
          setAspect(Math.round((frame.sourceWidth / frame.sourceHeight) * 1000) / 1000);
        } catch {
          // An undecodable frame is skipped; the next one follows within 100 ms.
        }
      }
      drawing = false;
    };
    const stop = api.vision.onPreview((frame) => {
      latest = frame;
      void draw();
    });
    return () => {
      disposed = true;
      stop();
    };
  }, [api]);

  return (
    <div
      className="live-view"
      data-testid="live-view"
      style={aspect ? ({ '--aspect': aspect } as CSSProperties) : undefined}
    >
      <canvas ref={canvasRef} className="live-view__canvas" data-has-frame={hasFrame} />
      {!hasFrame && <span className="live-view__empty">{t('insert.noCamera')}</span>}
    </div>
  );
}

async function paint(
  canvas: HTMLCanvasElement,
  frame: PreviewFrame,
  labelOf: (d: PreviewDetection) => string,
): Promise<void> {
  const image = new Image();
  image.src = `data:image/jpeg;base64,${frame.jpeg}`;
  await image.decode();
  // The canvas matches its box on screen, in device pixels, whatever the window size.
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(canvas.clientWidth * ratio);
  const height = Math.round(canvas.clientHeight * ratio);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx || width === 0 || height === 0) return;
  const fit = fitContain(frame.sourceWidth, frame.sourceHeight, width, height);
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image, fit.offsetX, fit.offsetY, fit.width, fit.height);
  ctx.lineWidth = BOX_LINE_PX * ratio;
  ctx.font = `${Math.round(22 * ratio)}px sans-serif`;
  for (const d of frame.detections) {
    const [colour, ink] = OUTCOME_COLOURS[d.outcome ?? 'accept'];
    ctx.strokeStyle = colour;
    if (d.mask && d.mask.length > 2) {
      ctx.beginPath();
      d.mask.forEach((p, i) => {
        const [x, y] = toCanvasPoint(p, fit);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.closePath();
      ctx.globalAlpha = 0.25;
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    const [x, y, w, h] = toCanvasBox(d.box, fit);
    ctx.strokeRect(x, y, w, h);
    const label = labelOf(d);
    const textHeight = Math.round(28 * ratio);
    const textWidth = ctx.measureText(label).width + 12 * ratio;
    const labelY = y >= textHeight ? y - textHeight : y;
    ctx.fillStyle = colour;
    ctx.fillRect(x, labelY, textWidth, textHeight);
    ctx.fillStyle = ink;
    ctx.fillText(label, x + 6 * ratio, labelY + textHeight * 0.75);
  }
}
