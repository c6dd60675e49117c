// The lattice's layout (GET /v1/lattice/layout.bin: N float32 x, N float32 y, N int32 triangle, all
// little-endian) and a uniform grid over it, so that drawing and hit-testing visit only the nodes in
// view.

export interface Layout {
  n: number;
  x: Float32Array;
  y: Float32Array;
  triangle: Int32Array;
  /** the three member nodes of each triangle, 3 per triangle (-1 where unknown) */
  members: Int32Array;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  /** a typical distance between neighbouring nodes (µm) */
  spacing: number;
  grid: Grid;
}

export interface Grid {
  cols: number;
  rows: number;
  cell: number;
  start: Int32Array; // cols*rows + 1 offsets into nodes
  nodes: Int32Array;
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

export function parseLayout(buffer: ArrayBuffer, n: number): Layout {
  if (buffer.byteLength < n * 12) {
    throw new Error(`layout.bin has ${buffer.byteLength} bytes; ${n} nodes need ${n * 12}`);
  }
  let x: Float32Array, y: Float32Array, triangle: Int32Array;
  if (littleEndian()) {
    x = new Float32Array(buffer, 0, n);
    y = new Float32Array(buffer, 4 * n, n);
    triangle = new Int32Array(buffer, 8 * n, n);
  } else {
    const view = new DataView(buffer);
    x = new Float32Array(n);
    y = new Float32Array(n);
    triangle = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = view.getFloat32(4 * i, true);
      y[i] = view.getFloat32(4 * (n + i), true);
      triangle[i] = view.getInt32(4 * (2 * n + i), true);
    }
  }
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  let triangles = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i], yi = y[i];
    if (xi < minX) minX = xi;
    if (xi > maxX) maxX = xi;
    if (yi < minY) minY = yi;
    if (yi > maxY) maxY = yi;
    if (triangle[i] + 1 > triangles) triangles = triangle[i] + 1;
  }
  if (n === 0) {
    minX = minY = 0;
    maxX = maxY = 1;
  }
  const members = new Int32Array(triangles * 3).fill(-1);
  const filled = new Uint8Array(triangles);
  for (let i = 0; i < n; i++) {
    const t = triangle[i];
    if (t >= 0 && filled[t] < 3) members[3 * t + filled[t]++] = i;
  }
  const width = Math.max(maxX - minX, 1e-6);
  const height = Math.max(maxY - minY, 1e-6);
  const spacing = Math.sqrt((width * height) / Math.max(n, 1)) || 1;
  return { n, x, y, triangle, members, minX, maxX, minY, maxY, spacing, grid: buildGrid(x, y, n, minX, minY, width, height) };
}

function buildGrid(x: Float32Array, y: Float32Array, n: number, minX: number, minY: number, width: number, height: number): Grid {
  // about 8 nodes a cell
  const cell = Math.max(Math.sqrt((width * height * 8) / Math.max(n, 1)), 1e-6);
  const cols = Math.max(1, Math.min(4096, Math.ceil(width / cell) + 1));
  const rows = Math.max(1, Math.min(4096, Math.ceil(height / cell) + 1));
  const cellOf = new Int32Array(n);
  const counts = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++) {
    const c = Math.min(cols - 1, Math.floor((x[i] - minX) / cell));
    const r = Math.min(rows - 1, Math.floor((y[i] - minY) / cell));
    const k = r * cols + c;
    cellOf[i] = k;
    counts[k + 1]++;
  }
  for (let k = 0; k < cols * rows; k++) counts[k + 1] += counts[k];
  const start = counts.slice();
  const fill = counts.slice(0, cols * rows);
  const nodes = new Int32Array(n);
  for (let i = 0; i < n; i++) nodes[fill[cellOf[i]]++] = i;
  return { cols, rows, cell, start, nodes };
}

/** Calls `visit(i)` for every node inside the world rectangle (and a few just outside it). */
export function forEachInRect(layout: Layout, x0: number, y0: number, x1: number, y1: number, visit: (i: number) => void): void {
  const { grid, minX, minY } = layout;
  const c0 = Math.max(0, Math.floor((x0 - minX) / grid.cell));
  const c1 = Math.min(grid.cols - 1, Math.floor((x1 - minX) / grid.cell));
  const r0 = Math.max(0, Math.floor((y0 - minY) / grid.cell));
  const r1 = Math.min(grid.rows - 1, Math.floor((y1 - minY) / grid.cell));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const k = r * grid.cols + c;
      for (let p = grid.start[k]; p < grid.start[k + 1]; p++) visit(grid.nodes[p]);
    }
  }
}

/** The node nearest to (wx, wy) within `radius` world units, or -1. */
export function nearest(layout: Layout, wx: number, wy: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  forEachInRect(layout, wx - radius, wy - radius, wx + radius, wy + radius, (i) => {
    const dx = layout.x[i] - wx;
    const dy = layout.y[i] - wy;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
