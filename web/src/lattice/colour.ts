// The fidelity colour scale: BUCKETS colours from red (low) through yellow to green (high) over a
// domain [lo, hi]; NaN (a node without a triangle) is grey.

export const BUCKETS = 64;
const STOPS: [number, number, number][] = [
  [165, 0, 38],
  [244, 109, 67],
  [254, 224, 139],
  [166, 217, 106],
  [26, 152, 80],
];
export const NAN_RGB: [number, number, number] = [110, 110, 120];

export function stopColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** The bucket colours as CSS strings and as little-endian RGBA words (for ImageData). */
export const BUCKET_CSS: string[] = [];
export const BUCKET_RGBA = new Uint32Array(BUCKETS + 1);
for (let i = 0; i < BUCKETS; i++) {
  const [r, g, b] = stopColour(i / (BUCKETS - 1));
  BUCKET_CSS.push(`rgb(${r},${g},${b})`);
  BUCKET_RGBA[i] = (255 << 24) | (b << 16) | (g << 8) | r;
}
export const NAN_BUCKET = BUCKETS;
BUCKET_CSS.push(`rgb(${NAN_RGB.join(",")})`);
BUCKET_RGBA[NAN_BUCKET] = (255 << 24) | (NAN_RGB[2] << 16) | (NAN_RGB[1] << 8) | NAN_RGB[0];

export interface Domain {
  lo: number;
  hi: number;
}

/** A domain that puts the default alert threshold (0.9) well inside the scale: [min(0.85, ⌊min⌋₀.₀₅), 1]. */
export function domainFor(fidelity: Float32Array | null): Domain {
  let min = Infinity;
  if (fidelity) {
    for (let i = 0; i < fidelity.length; i++) {
      const v = fidelity[i];
      if (v === v && v < min) min = v;
    }
  }
  const lo = Number.isFinite(min) ? Math.min(0.85, Math.floor(min * 20) / 20) : 0.85;
  return { lo: Math.max(0, lo), hi: 1 };
}

/** Each node's bucket (0..BUCKETS-1, or NAN_BUCKET) for a fidelity array and domain. */
export function bucketsFor(fidelity: Float32Array | null, n: number, domain: Domain): Uint8Array {
  const out = new Uint8Array(n).fill(NAN_BUCKET);
  if (!fidelity) return out;
  const span = domain.hi - domain.lo || 1;
  for (let i = 0; i < n; i++) {
    const v = fidelity[i];
    if (v !== v) continue;
    let b = Math.floor(((v - domain.lo) / span) * (BUCKETS - 1) + 0.5);
    if (b < 0) b = 0;
    else if (b > BUCKETS - 1) b = BUCKETS - 1;
    out[i] = b;
  }
  return out;
}
