// A small SVG line of a node's fidelity over its last heartbeats.
interface Props {
  values: number[];
  width?: number;
  height?: number;
  testId?: string;
}

export function Sparkline({ values, width = 260, height = 48, testId = "sparkline" }: Props) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) {
    return (
      <svg className="sparkline" width={width} height={height} data-testid={testId} data-points={0}>
        <text x={4} y={height / 2 + 4} className="muted-text">no history yet</text>
      </svg>
    );
  }
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-6) {
    lo -= 0.001;
    hi += 0.001;
  }
  const pad = 3;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const yOf = (v: number) => pad + (height - 2 * pad) * (1 - (v - lo) / (hi - lo));
  let d = "";
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    d += `${d === "" ? "M" : "L"}${(pad + i * step).toFixed(1)},${yOf(v).toFixed(1)}`;
  });
  const last = values[values.length - 1];
  return (
    <svg className="sparkline" width={width} height={height} data-testid={testId} data-points={values.length}>
      <path d={d} fill="none" stroke="#4fa3ff" strokeWidth={1.5} />
      {Number.isFinite(last) && (
        <circle cx={pad + (values.length - 1) * step} cy={yOf(last)} r={2.5} fill="#4fa3ff" />
      )}
      <title>{`${finite.length} heartbeats, ${lo.toFixed(4)} to ${hi.toFixed(4)}`}</title>
    </svg>
  );
}
