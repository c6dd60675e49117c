// The colour scale of the σ map: the gradient over the domain, its ticks, and "no triangle".
import { BUCKETS, BUCKET_CSS, NAN_BUCKET, type Domain } from "../lattice/colour";

export function Legend({ domain }: { domain: Domain }) {
  const stops = BUCKET_CSS.slice(0, BUCKETS)
    .map((c, i) => `${c} ${((i / (BUCKETS - 1)) * 100).toFixed(1)}%`)
    .join(", ");
  const ticks = 5;
  return (
    <div className="legend" data-testid="legend" data-lo={domain.lo} data-hi={domain.hi}>
      <div className="legend-title">W fidelity</div>
      <div className="legend-bar" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <div className="legend-ticks">
        {Array.from({ length: ticks }, (_, i) => {
          const v = domain.lo + ((domain.hi - domain.lo) * i) / (ticks - 1);
          return (
            <span key={i} style={{ left: `${(i / (ticks - 1)) * 100}%` }}>
              {v.toFixed(3)}
            </span>
          );
        })}
      </div>
      <div className="legend-nan">
        <span className="swatch" style={{ background: BUCKET_CSS[NAN_BUCKET] }} /> no triangle
      </div>
    </div>
  );
}
