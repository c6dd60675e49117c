// The σ map: every node of the lattice at its (x, y), coloured by W fidelity. Drawing visits only
// the grid cells in view. Zoomed out (nodes a pixel or two wide) it writes pixels into one ImageData;
// zoomed in it fills one batched path per colour bucket, then the triangles' edges. Wheel zooms
// about the cursor, dragging pans, a click picks the nearest node.
import { useCallback, useEffect, useImperativeHandle, useRef, forwardRef } from "react";
import { BUCKET_CSS, BUCKET_RGBA, BUCKETS } from "./colour";
import { forEachInRect, nearest, type Layout } from "./layout";

export interface View {
  cx: number; // world point at the canvas centre (µm)
  cy: number;
  s: number; // CSS pixels per µm
}

export interface LatticeCanvasHandle {
  /** centres the view on a node, zoomed in to about its triangle */
  focus(node: number): void;
  /** the view that shows the whole lattice */
  fit(): void;
  /** a node's position in CSS pixels relative to the canvas' top left corner */
  project(node: number): { x: number; y: number } | null;
  view(): View;
}

interface Props {
  layout: Layout;
  buckets: Uint8Array;
  heartbeatId: number | null;
  selected: number | null;
  onPick: (node: number) => void;
}

const BACKGROUND = 0xff1a1411; // rgb(17, 20, 26), little-endian RGBA
const BACKGROUND_CSS = "rgb(17,20,26)";
const EMPTY = 255; // no node on the pixel
const LOW_BUCKETS = BUCKETS >> 1; // the lower half of the colour scale

export const LatticeCanvas = forwardRef<LatticeCanvasHandle, Props>(function LatticeCanvas(
  { layout, buckets, heartbeatId, selected, onPick },
  ref,
) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewRef = useRef<View>({ cx: 0, cy: 0, s: 1 });
  const sizeRef = useRef({ w: 1, h: 1, dpr: 1 });
  const frameRef = useRef<number | null>(null);
  const imageRef = useRef<ImageData | null>(null);
  const worstRef = useRef<Uint8Array | null>(null);
  const propsRef = useRef({ layout, buckets, heartbeatId, selected });
  propsRef.current = { layout, buckets, heartbeatId, selected };
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;

  const limits = useCallback(() => {
    const { w, h } = sizeRef.current;
    const width = Math.max(layout.maxX - layout.minX, layout.spacing);
    const height = Math.max(layout.maxY - layout.minY, layout.spacing);
    const fit = Math.min(w / width, h / height) * 0.95;
    // zoomed in all the way, a single triangle (about two spacings across) fills the view
    const max = Math.max(fit, Math.min(w, h) / (3 * layout.spacing));
    return { min: fit * 0.5, max, fit };
  }, [layout]);

  const draw = useCallback(() => {
    frameRef.current = null;
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    const { layout, buckets, heartbeatId, selected } = propsRef.current;
    const { w, h, dpr } = sizeRef.current;
    const { cx, cy, s } = viewRef.current;
    const W = canvas.width;
    const H = canvas.height;
    const S = s * dpr; // device pixels per µm
    const ox = W / 2 - cx * S;
    const oy = H / 2 + cy * S; // y up
    const x = layout.x;
    const y = layout.y;
    const started = performance.now();
    // device pixels; zoomed in far, nodes stay dots so that a triangle reads as one
    const radius = Math.min(0.3 * layout.spacing * S, 18 * dpr);
    const margin = layout.spacing;
    const wx0 = cx - w / 2 / s - margin;
    const wx1 = cx + w / 2 / s + margin;
    const wy0 = cy - h / 2 / s - margin;
    const wy1 = cy + h / 2 / s + margin;
    let drawn = 0;

    if (radius < 1.6) {
      // zoomed out: pixels into one ImageData. Where nodes share a pixel the worst fidelity wins, and
      // a node in the lower half of the scale is drawn at least 3 pixels wide, so that a bad triangle
      // shows at any zoom.
      let image = imageRef.current;
      if (!image || image.width !== W || image.height !== H) {
        image = ctx.createImageData(W, H);
        imageRef.current = image;
        worstRef.current = new Uint8Array(W * H);
      }
      const pixels = new Uint32Array(image.data.buffer);
      const worst = worstRef.current!;
      worst.fill(EMPTY);
      const size = radius < 0.75 ? 1 : radius < 1.2 ? 2 : 3;
      forEachInRect(layout, wx0, wy0, wx1, wy1, (i) => {
        const b = buckets[i];
        const k = b < LOW_BUCKETS ? Math.max(size, 3) : size;
        const half = k >> 1;
        const px = Math.round(ox + x[i] * S) - half;
        const py = Math.round(oy - y[i] * S) - half;
        if (px + k <= 0 || py + k <= 0 || px >= W || py >= H) return;
        drawn++;
        for (let dy = 0; dy < k; dy++) {
          const row = py + dy;
          if (row < 0 || row >= H) continue;
          const base = row * W;
          for (let dx = 0; dx < k; dx++) {
            const col = px + dx;
            if (col >= 0 && col < W && b < worst[base + col]) worst[base + col] = b;
          }
        }
      });
      for (let p = 0; p < worst.length; p++) {
        const b = worst[p];
        pixels[p] = b === EMPTY ? BACKGROUND : BUCKET_RGBA[b];
      }
      ctx.putImageData(image, 0, 0);
    } else {
      // zoomed in: one path per colour bucket, only the nodes in view
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = BACKGROUND_CSS;
      ctx.fillRect(0, 0, W, H);
      const paths: (Path2D | null)[] = new Array(BUCKETS + 1).fill(null);
      const round = radius >= 3;
      const edges = radius >= 4 ? new Path2D() : null;
      const seen = edges ? new Set<number>() : null;
      forEachInRect(layout, wx0, wy0, wx1, wy1, (i) => {
        const px = ox + x[i] * S;
        const py = oy - y[i] * S;
        if (px < -radius || py < -radius || px > W + radius || py > H + radius) return;
        const b = buckets[i];
        const path = paths[b] ?? (paths[b] = new Path2D());
        if (round) {
          path.moveTo(px + radius, py);
          path.arc(px, py, radius, 0, 2 * Math.PI);
        } else {
          path.rect(px - radius, py - radius, 2 * radius, 2 * radius);
        }
        drawn++;
        const t = layout.triangle[i];
        if (edges && seen && t >= 0 && !seen.has(t)) {
          seen.add(t);
          const m = layout.members;
          const a = m[3 * t], bb = m[3 * t + 1], c = m[3 * t + 2];
          if (a >= 0 && bb >= 0 && c >= 0) {
            edges.moveTo(ox + x[a] * S, oy - y[a] * S);
            edges.lineTo(ox + x[bb] * S, oy - y[bb] * S);
            edges.lineTo(ox + x[c] * S, oy - y[c] * S);
            edges.closePath();
          }
        }
      });
      if (edges) {
        ctx.strokeStyle = "rgba(200,210,230,0.35)";
        ctx.lineWidth = Math.max(1, radius * 0.12);
        ctx.stroke(edges);
      }
      for (let b = 0; b <= BUCKETS; b++) {
        const path = paths[b];
        if (!path) continue;
        ctx.fillStyle = BUCKET_CSS[b];
        ctx.fill(path);
      }
    }

    if (selected !== null && selected >= 0 && selected < layout.n) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      const t = layout.triangle[selected];
      if (t >= 0) {
        const m = layout.members;
        const pts = [m[3 * t], m[3 * t + 1], m[3 * t + 2]].filter((k) => k >= 0);
        if (pts.length === 3) {
          ctx.beginPath();
          ctx.moveTo(ox + x[pts[0]] * S, oy - y[pts[0]] * S);
          ctx.lineTo(ox + x[pts[1]] * S, oy - y[pts[1]] * S);
          ctx.lineTo(ox + x[pts[2]] * S, oy - y[pts[2]] * S);
          ctx.closePath();
          ctx.strokeStyle = "rgba(255,255,255,0.8)";
          ctx.lineWidth = 1.5 * dpr;
          ctx.stroke();
        }
      }
      const px = ox + x[selected] * S;
      const py = oy - y[selected] * S;
      ctx.beginPath();
      ctx.arc(px, py, Math.max(radius + 3 * dpr, 6 * dpr), 0, 2 * Math.PI);
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 2 * dpr;
      ctx.stroke();
    }

    canvas.dataset.drawn = String(drawn);
    canvas.dataset.heartbeat = heartbeatId === null ? "" : String(heartbeatId);
    canvas.dataset.scale = s.toPrecision(4);
    canvas.dataset.mode = radius < 1.6 ? "pixels" : "paths";
    canvas.dataset.drawMs = (performance.now() - started).toFixed(1);
  }, []);

  const schedule = useCallback(() => {
    if (frameRef.current === null) frameRef.current = requestAnimationFrame(draw);
  }, [draw]);

  const fit = useCallback(() => {
    viewRef.current = {
      cx: (layout.minX + layout.maxX) / 2,
      cy: (layout.minY + layout.maxY) / 2,
      s: limits().fit,
    };
    schedule();
  }, [layout, limits, schedule]);

  const clampScale = useCallback(
    (s: number) => {
      const { min, max } = limits();
      return Math.min(max, Math.max(min, s));
    },
    [limits],
  );

  useImperativeHandle(
    ref,
    () => ({
      focus(node: number) {
        if (node < 0 || node >= layout.n) return;
        viewRef.current = { cx: layout.x[node], cy: layout.y[node], s: clampScale(limits().max * 0.6) };
        schedule();
      },
      fit,
      project(node: number) {
        if (node < 0 || node >= layout.n) return null;
        const { w, h } = sizeRef.current;
        const { cx, cy, s } = viewRef.current;
        return { x: w / 2 + (layout.x[node] - cx) * s, y: h / 2 - (layout.y[node] - cy) * s };
      },
      view: () => ({ ...viewRef.current }),
    }),
    [layout, clampScale, limits, schedule, fit],
  );

  // size the canvas to its box (device pixels), refit when the layout changes
  useEffect(() => {
    const canvas = canvasRef.current!;
    let fitted = false;
    const resize = () => {
      const rect = canvas.getBoundingClientRect();
      const dpr = Math.min(window.devicePixelRatio || 1, 2);
      const w = Math.max(1, Math.round(rect.width));
      const h = Math.max(1, Math.round(rect.height));
      const same = fitted && sizeRef.current.w === w && sizeRef.current.h === h && sizeRef.current.dpr === dpr;
      if (same) return;
      sizeRef.current = { w, h, dpr };
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      if (!fitted) {
        fitted = true;
        fit();
      } else {
        viewRef.current.s = clampScale(viewRef.current.s);
        schedule();
      }
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [layout, fit, clampScale, schedule]);

  useEffect(schedule, [buckets, heartbeatId, selected, schedule]);

  // wheel zoom about the cursor, drag pan, click pick
  useEffect(() => {
    const canvas = canvasRef.current!;
    const local = (e: MouseEvent) => {
      const rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    };
    const toWorld = (p: { x: number; y: number }) => {
      const { w, h } = sizeRef.current;
      const { cx, cy, s } = viewRef.current;
      return { x: cx + (p.x - w / 2) / s, y: cy - (p.y - h / 2) / s };
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = local(e);
      const before = toWorld(p);
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
      const v = viewRef.current;
      v.s = clampScale(v.s * factor);
      const after = toWorld(p);
      v.cx += before.x - after.x;
      v.cy += before.y - after.y;
      schedule();
    };
    let drag: { x: number; y: number; cx: number; cy: number; moved: boolean } | null = null;
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      const p = local(e);
      drag = { x: p.x, y: p.y, cx: viewRef.current.cx, cy: viewRef.current.cy, moved: false };
      canvas.setPointerCapture(e.pointerId);
    };
    const onMove = (e: PointerEvent) => {
      if (!drag) return;
      const p = local(e);
      const dx = p.x - drag.x;
      const dy = p.y - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      canvas.style.cursor = "grabbing";
      const v = viewRef.current;
      v.cx = drag.cx - dx / v.s;
      v.cy = drag.cy + dy / v.s;
      schedule();
    };
    const onUp = (e: PointerEvent) => {
      if (!drag) return;
      const wasDrag = drag.moved;
      drag = null;
      canvas.style.cursor = "";
      if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
      if (wasDrag) return;
      const p = toWorld(local(e));
      const { layout } = propsRef.current;
      const s = viewRef.current.s;
      const radius = Math.max(8 / s, 0.6 * layout.spacing);
      const node = nearest(layout, p.x, p.y, radius);
      if (node >= 0) onPickRef.current(node);
    };
    canvas.addEventListener("wheel", onWheel, { passive: false });
    canvas.addEventListener("pointerdown", onDown);
    canvas.addEventListener("pointermove", onMove);
    canvas.addEventListener("pointerup", onUp);
    canvas.addEventListener("pointercancel", () => (drag = null));
    return () => {
      canvas.removeEventListener("wheel", onWheel);
      canvas.removeEventListener("pointerdown", onDown);
      canvas.removeEventListener("pointermove", onMove);
      canvas.removeEventListener("pointerup", onUp);
    };
  }, [clampScale, schedule]);

  useEffect(
    () => () => {
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
    },
    [],
  );

  return (
    <canvas
      ref={canvasRef}
      className="lattice-canvas"
      data-testid="lattice-canvas"
      data-nodes={layout.n}
      aria-label={`lattice map of ${layout.n} nodes`}
    />
  );
});

