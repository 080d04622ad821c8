/** Pictures of what the machine takes, drawn in-project (no downloads). */
export function MaterialIcon({ material, size = 96 }: { material: string; size?: number }) {
  const height = size;
  const width = size / 2;
  if (material === 'aluminium') {
    return (
      <svg viewBox="0 0 64 128" width={width} height={height} aria-hidden="true">
        <rect x="10" y="20" width="44" height="96" rx="8" fill="#cbd5e1" />
        <rect x="10" y="44" width="44" height="44" fill="#f59e0b" />
        <ellipse cx="32" cy="20" rx="22" ry="6" fill="#94a3b8" />
      </svg>
    );
  }
  if (material === 'glass') {
    return (
      <svg viewBox="0 0 64 128" width={width} height={height} aria-hidden="true">
        <rect x="26" y="2" width="12" height="10" rx="2" fill="#a3a3a3" />
        <path d="M26 12h12v18l10 16v70a8 8 0 0 1-8 8H24a8 8 0 0 1-8-8V46l10-16z" fill="#4ade80" opacity="0.85" />
        <rect x="16" y="64" width="32" height="22" fill="#f0fdf4" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 64 128" width={width} height={height} aria-hidden="true">
      <rect x="24" y="4" width="16" height="12" rx="3" fill="#7dd3fc" />
      <path d="M22 16h20l6 22v78a8 8 0 0 1-8 8H24a8 8 0 0 1-8-8V38z" fill="#38bdf8" />
      <rect x="16" y="56" width="32" height="24" fill="#e0f2fe" />
    </svg>
  );
}
