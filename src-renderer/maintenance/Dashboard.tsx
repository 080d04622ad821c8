import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricName, MetricsSample } from '../../src-preload/contract';
import { useApi } from '../api-context';
import type { MessageKey } from '../i18n/i18n';
import { useFormatTime } from '../i18n/format';
import { useT } from '../i18n/use-t';
import { Printer } from './Printer';

/** Live samples kept for the charts beyond the loaded history (one hour at 5 s). */
const MAX_POINTS = 1500;

type TileMetric = Exclude<MetricName, 'workerRestarts10m' | 'workerUnstable'>;

interface Tile {
  readonly key: TileMetric;
  readonly unit: string;
  /** Shown as a state word instead of a number (1 = bad). */
  readonly flag?: [ok: MessageKey, bad: MessageKey];
}

const TILES: readonly Tile[] = [
  { key: 'cpuPercent', unit: '%' },
  { key: 'memoryPercent', unit: '%' },
  { key: 'diskPercent', unit: '%' },
  { key: 'temperatureC', unit: '°C' },
  { key: 'inferenceMs', unit: 'ms' },
  { key: 'workerInferenceMs', unit: 'ms' },
  { key: 'verdictLatencyMs', unit: 'ms' },
  { key: 'detectionsPerS', unit: '/s' },
  { key: 'droppedFramesPerMin', unit: '/min' },
  { key: 'workerRestarts', unit: '' },
  { key: 'cameraDown', unit: '', flag: ['mt.flag.streaming', 'mt.flag.lost'] },
  { key: 'chamberViewOccupied', unit: '', flag: ['mt.flag.ok', 'mt.flag.fault'] },
  { key: 'eventLoopLagMs', unit: 'ms' },
  { key: 'outboxBacklog', unit: '' },
  { key: 'outboxOldestAgeS', unit: 's' },
  { key: 'platformDown', unit: '', flag: ['mt.flag.online', 'mt.flag.down'] },
  { key: 'binLevelPercent', unit: '%' },
  { key: 'hardwareFault', unit: '', flag: ['mt.flag.ok', 'mt.flag.fault'] },
  { key: 'storageFault', unit: '', flag: ['mt.flag.ok', 'mt.flag.fault'] },
  { key: 'configFault', unit: '', flag: ['mt.flag.ok', 'mt.flag.fault'] },
  { key: 'itemsPerHour', unit: '' },
  { key: 'backupUsePercent', unit: '%' },
  { key: 'backupAgeH', unit: 'h' },
];

/** Live tiles from the latest sample and history charts (last hour or day), updated every sample. */
export function Dashboard() {
  const t = useT();
  const time = useFormatTime();
  const api = useApi();
  const [rangeS, setRangeS] = useState(3600);
  const [samples, setSamples] = useState<MetricsSample[]>([]);
  const latest = samples.at(-1);

  useEffect(() => {
    let live = true;
    void api.monitor.history({ rangeS }).then((r) => live && r.ok && setSamples(r.value.samples));
    // Tiles always show the newest sample; a day's chart stays per-minute (reload it to move on).
    const stop = api.monitor.onSample((sample) => {
      setSamples((list) => (rangeS <= 3600 ? [...list, sample].slice(-MAX_POINTS) : [...list, sample]));
    });
    return () => {
      live = false;
      stop();
    };
  }, [api, rangeS]);

  const data = samples.map((s) => ({
    ...s,
    time: time(s.at, 'time'),
  }));
  return (
    <div className="dashboard" data-testid="dashboard" data-samples={samples.length}>
      <Printer />
      <div className="tiles">
        {TILES.map((tile) => {
          const value = latest?.[tile.key] ?? null;
          const text =
            value === null
              ? t('mt.na')
              : tile.flag
                ? t(tile.flag[value >= 1 ? 1 : 0])
                : `${formatNumber(value)}${tile.unit ? ` ${tile.unit}` : ''}`;
          const bad = tile.flag !== undefined && value !== null && value >= 1;
          return (
            <div key={tile.key} className={bad ? 'tile tile--bad' : 'tile'} data-metric={tile.key}>
              <span className="tile__label">{t(`mt.m.${tile.key}`)}</span>
              <strong className="tile__value">{text}</strong>
            </div>
          );
        })}
      </div>
      <div className="range-toggle" role="group">
        {([3600, 86_400] as const).map((r) => (
          <button
            key={r}
            type="button"
            className={r === rangeS ? 'touch-button touch-button--primary' : 'touch-button'}
            aria-pressed={r === rangeS}
            onClick={() => setRangeS(r)}
          >
            {t(r === 3600 ? 'mt.range.hour' : 'mt.range.day')}
          </button>
        ))}
      </div>
      <div className="charts">
        <Chart
          title="mt.chart.system"
          data={data}
          lines={[
            ['cpuPercent', '#34d399'],
            ['memoryPercent', '#60a5fa'],
          ]}
        />
        <Chart
          title="mt.chart.vision"
          data={data}
          lines={[
            ['inferenceMs', '#fbbf24'],
            ['detectionsPerS', '#f472b6'],
          ]}
        />
        <Chart title="mt.chart.outbox" data={data} lines={[['outboxBacklog', '#f87171']]} />
      </div>
    </div>
  );
}

function Chart({
  title,
  data,
  lines,
}: {
  title: MessageKey;
  data: ReadonlyArray<Record<string, unknown>>;
  lines: ReadonlyArray<[TileMetric, string]>;
}) {
  const t = useT();
  return (
    <figure className="chart" data-testid={`chart-${lines[0]![0]}`}>
      <figcaption>{t(title)}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data as Array<Record<string, unknown>>} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#2f5f52" strokeDasharray="3 3" />
          {/* The first time label starts clear of the value axis's "0". */}
          <XAxis dataKey="time" stroke="#c8e6dc" minTickGap={40} padding={{ left: 28 }} />
          <YAxis stroke="#c8e6dc" width={48} />
          <Tooltip contentStyle={{ background: '#16443a', border: 'none' }} />
          <Legend verticalAlign="top" />
          {lines.map(([key, colour]) => (
            <Line
              key={key}
              type="monotone"
              dataKey={key}
              name={t(`mt.m.${key}`)}
              stroke={colour}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
