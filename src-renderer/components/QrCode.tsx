import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/**
 * A QR code as one SVG path (crisp at any size, no canvas), with the standard 4-module quiet zone.
 * `size` is its size where no style sizes it; `keyContent` marks it for the layout checks.
 */
export function QrCode({
  value,
  size,
  label,
  keyContent,
}: {
  value: string;
  size: number;
  label: string;
  keyContent?: string;
}) {
  const { path, modules } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(value);
    qr.make();
    const count = qr.getModuleCount();
    let d = '';
    for (let row = 0; row < count; row++) {
      for (let col = 0; col < count; col++) if (qr.isDark(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
    return { path: d, modules: count + 8 };
  }, [value]);
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      data-qr={value}
      data-key-content={keyContent}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
