import { useState } from "react";

/** Small dependency-free SVG charts: a line chart for time series and a stacked bar chart per day. */

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const W = 640;
const H = 220;
const PAD = { l: 56, r: 12, t: 12, b: 28 };

const PALETTE = [
  "#30c48d",
  "#5b8def",
  "#f5a524",
  "#e5484d",
  "#a78bfa",
  "#22d3ee",
  "#f472b6",
  "#94a3b8",
];
/** The palette colour of the i-th series. */
export const seriesColor = (i: number) => PALETTE[i % PALETTE.length];

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= v) return m * mag;
  return 10 * mag;
}

const dayLabel = (t: number) =>
  new Date(t * 1000).toLocaleDateString(undefined, { month: "short", day: "numeric" });

/** A line per series over time (x in unix seconds). */
export function LineChart({
  series,
  label,
  format = (v) => v.toLocaleString(),
}: {
  series: Series[];
  label: string;
  format?: (v: number) => string;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="muted">No data for {label.toLowerCase()} yet.</p>;
  const xs = all.map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const yMax = niceMax(Math.max(...all.map((p) => p.y)));
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - (y / yMax) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const xTicks = [0, 0.5, 1].map((f) => x0 + f * (x1 - x0));
  const hoverX = hover === null ? null : x0 + ((hover - PAD.l) / (W - PAD.l - PAD.r)) * (x1 - x0);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label}
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const px = ((e.clientX - r.left) / r.width) * W;
          setHover(px >= PAD.l && px <= W - PAD.r ? px : null);
        }}
        onMouseLeave={() => setHover(null)}
      >
        <title>{label}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.l} x2={W - PAD.r} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={PAD.l - 6} y={sy(t) + 4} textAnchor="end" className="axis">
              {format(t)}
            </text>
          </g>
        ))}
        {xTicks.map((t, i) => (
          <text
            key={i}
            x={sx(t)}
            y={H - 8}
            textAnchor={i === 0 ? "start" : i === 2 ? "end" : "middle"}
            className="axis"
          >
            {dayLabel(t)}
          </text>
        ))}
        {series.map((s) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            points={[...s.points]
              .sort((a, b) => a.x - b.x)
              .map((p) => `${sx(p.x)},${sy(p.y)}`)
              .join(" ")}
          />
        ))}
        {hover !== null && (
          <line x1={hover} x2={hover} y1={PAD.t} y2={H - PAD.b} className="cursor" />
        )}
      </svg>
      <figcaption className="legend">
        {series.map((s) => {
          const near =
            hoverX === null
              ? undefined
              : s.points.reduce<{ x: number; y: number } | undefined>(
                  (b, p) => (!b || Math.abs(p.x - hoverX) < Math.abs(b.x - hoverX) ? p : b),
                  undefined,
                );
          return (
            <span key={s.name}>
              <i style={{ background: s.color }} aria-hidden="true" /> {s.name}
              {near && `: ${format(near.y)} (${dayLabel(near.x)})`}
            </span>
          );
        })}
      </figcaption>
    </figure>
  );
}

/** Bars per x (a day, in unix seconds), stacked by series. */
export function StackedBars({
  series,
  label,
  format = (v) => v.toLocaleString(),
}: {
  series: Series[];
  label: string;
  format?: (v: number) => string;
}) {
  const xsSet = new Set(series.flatMap((s) => s.points.map((p) => p.x)));
  const xs = [...xsSet].sort((a, b) => a - b);
  if (xs.length === 0) return <p className="muted">No data for {label.toLowerCase()} yet.</p>;
  const value = (s: Series, x: number) => s.points.find((p) => p.x === x)?.y ?? 0;
  const totals = xs.map((x) => series.reduce((sum, s) => sum + value(s, x), 0));
  const yMax = niceMax(Math.max(...totals));
  const band = (W - PAD.l - PAD.r) / xs.length;
  const sy = (y: number) => (y / yMax) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.5, 1].map((f) => f * yMax);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <title>{label}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line
              x1={PAD.l}
              x2={W - PAD.r}
              y1={H - PAD.b - sy(t)}
              y2={H - PAD.b - sy(t)}
              className="grid"
            />
            <text x={PAD.l - 6} y={H - PAD.b - sy(t) + 4} textAnchor="end" className="axis">
              {format(t)}
            </text>
          </g>
        ))}
        {xs.map((x, i) => {
          let base = H - PAD.b;
          return (
            <g key={x}>
              <title>{`${dayLabel(x)}: ${series.map((s) => `${s.name} ${format(value(s, x))}`).join(", ")}`}</title>
              {series.map((s) => {
                const h = sy(value(s, x));
                base -= h;
                return (
                  <rect
                    key={s.name}
                    x={PAD.l + i * band + band * 0.15}
                    width={band * 0.7}
                    y={base}
                    height={h}
                    fill={s.color}
                  />
                );
              })}
              {(i === 0 || i === xs.length - 1 || i === Math.floor(xs.length / 2)) && (
                <text x={PAD.l + (i + 0.5) * band} y={H - 8} textAnchor="middle" className="axis">
                  {dayLabel(x)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} aria-hidden="true" /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
