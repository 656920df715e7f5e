// The territory's map canvas (issue 27): the communes' shapes (metres east and north of the
// territory's centre, from Rust) filled by their class, the communes never met in red and
// outlined, pan and zoom by mouse, wheel and keyboard. While the map moves, the last full
// drawing is moved as an image; once still, it is drawn again in full.

/** Fills of the classes: « none », then five blues (ColorBrewer « Blues », light to dark). */
export const CLASS_FILLS = ["#f3f1ec", "#dbe7f3", "#a9c9e3", "#6aa3d0", "#2f73b3", "#0b4a8b"];
/** The outline of a commune never met, and its fill. */
export const NEVER_MET = "#b3261e";
export const NEVER_MET_FILL = "#f4c7c3";
/** Quiet time after panning or zooming before the map is drawn again in full. */
const SETTLE_MS = 160;

/**
 * A commune ready to draw: its rings in metres (flat x, y), its bounds (for hit testing).
 * @typedef {{insee: string, name: string, rings: Int32Array[], box: number[]}} Drawn
 */

/** @param {import("../../core/ipc.js").MapShape} s @returns {Drawn} */
export function drawn(s) {
  /** @type {Int32Array[]} */
  const rings = [];
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of s.polygons) {
    for (const ring of polygon) {
      rings.push(ring);
      for (let i = 0; i < ring.length; i += 2) {
        if (ring[i] < box[0]) box[0] = ring[i];
        if (ring[i + 1] < box[1]) box[1] = ring[i + 1];
        if (ring[i] > box[2]) box[2] = ring[i];
        if (ring[i + 1] > box[3]) box[3] = ring[i + 1];
      }
    }
  }
  return { insee: s.insee, name: s.name, rings, box };
}

/**
 * Adds a commune's rings to `path`, leaving out the positions closer than `tol` metres to the
 * last one kept (under a pixel at the scale drawn): far fewer points when zoomed out.
 * @param {Path2D} path @param {Drawn} d @param {number} tol
 */
export function trace(path, d, tol) {
  const t2 = tol * tol;
  for (const r of d.rings) {
    let [lx, ly] = [r[0], r[1]];
    path.moveTo(lx, ly);
    for (let i = 2; i < r.length; i += 2) {
      const [x, y] = [r[i], r[i + 1]];
      if (i < r.length - 2 && (x - lx) * (x - lx) + (y - ly) * (y - ly) < t2) continue;
      path.lineTo(x, y);
      [lx, ly] = [x, y];
    }
    path.closePath();
  }
  return path;
}

/** Whether a point lies inside a commune (even-odd over its rings, holes included). @param {Drawn} d @param {number} x @param {number} y */
function inside(d, x, y) {
  if (x < d.box[0] || x > d.box[2] || y < d.box[1] || y > d.box[3]) return false;
  let odd = false;
  for (const r of d.rings) {
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
      const [xi, yi, xj, yj] = [r[i], r[i + 1], r[j], r[j + 1]];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

/**
 * The canvas and its camera. `classOf(insee)` gives a commune's class, `neverMet(insee)`
 * whether nobody has met it, `selected()` the commune whose card is open.
 * @param {{label: string, classOf: (insee: string) => number, neverMet: (insee: string) => boolean, selected: () => string|null}} opts
 */
export function mapCanvas(opts) {
  const canvas = /** @type {HTMLCanvasElement} */ (document.createElement("canvas"));
  canvas.id = "territory-canvas";
  canvas.className = "map-canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", opts.label);
  /** @type {Drawn[]} */
  const communes = [];
  const camera = { scale: 1, x: 0, y: 0 };
  const buffer = document.createElement("canvas");
  let bufferCamera = { ...camera };
  let settle = 0;
  /** @type {number[]} */
  let bounds = [0, 0, 1, 1];

  const size = () => {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 800;
    const hgt = canvas.clientHeight || 560;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
    }
    return { w, hgt, dpr };
  };

  /** @typedef {{fills: Map<string, Path2D>, outlines: Path2D, never: Path2D|null}} Layers */
  /** The communes' paths gathered by fill, by level of detail. @type {Map<number, Layers>} */
  const layers = new Map();
  /**
   * The paths at a level of detail (positions 2^level metres apart at least), built once
   * until `invalidate`.
   * @param {number} level
   */
  const grouped = (level) => {
    const known = layers.get(level);
    if (known) return known;
    /** @type {Layers} */
    const built = { fills: new Map(), outlines: new Path2D(), never: null };
    for (const d of communes) into(built, d, level);
    layers.set(level, built);
    return built;
  };
  /** Adds a commune to the paths of a level. @param {Layers} l @param {Drawn} d @param {number} level */
  const into = (l, d, level) => {
    const tol = 2 ** level;
    // A commune never met is filled light red whatever its class: what the map is for.
    const never = opts.neverMet(d.insee);
    const fill = never ? NEVER_MET_FILL : CLASS_FILLS[opts.classOf(d.insee)] ?? CLASS_FILLS[0];
    if (!l.fills.has(fill)) l.fills.set(fill, new Path2D());
    trace(/** @type {Path2D} */ (l.fills.get(fill)), d, tol);
    trace(l.outlines, d, tol);
    if (never) trace((l.never ??= new Path2D()), d, tol);
  };

  /**
   * Sets the camera on the context (metres to pixels: y grows to the north in metres,
   * downwards on screen); returns a pixel in metres and the level of detail to draw at
   * (about half a pixel, a power of two so that zooming reuses the paths built).
   * @param {CanvasRenderingContext2D} g
   */
  const onCamera = (g) => {
    const { dpr } = size();
    g.setTransform(camera.scale * dpr, 0, 0, -camera.scale * dpr, camera.x * dpr, camera.y * dpr);
    const px = 1 / camera.scale;
    return { px, level: Math.max(0, Math.floor(Math.log2(0.5 * px))) };
  };

  /**
   * Fills and outlines some communes' paths: one path per fill, one for every outline, one
   * for the communes never met, so a handful of drawing calls whatever their number.
   * @param {CanvasRenderingContext2D} g @param {Layers} l @param {number} px
   */
  const drawLayers = (g, l, px) => {
    g.lineJoin = "round";
    for (const [fill, path] of l.fills) {
      g.fillStyle = fill;
      g.fill(path, "evenodd");
    }
    g.strokeStyle = "#6d6a64";
    g.lineWidth = 0.8 * px;
    g.stroke(l.outlines);
    if (l.never) {
      // Outlined in red over their light red fill (a hatch pattern, a translucent tint or
      // lines clipped to them cost as much again as the whole map in WebKitGTK's canvas),
      // with a hairline: WebKitGTK strokes it ~40 times faster than a 2-pixel line.
      g.strokeStyle = NEVER_MET;
      g.lineWidth = px;
      g.stroke(l.never);
    }
  };

  /** Draws every commune in full at the current camera. */
  const full = () => {
    size(); // first: resizing the canvas clears it
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    const { px, level } = onCamera(g);
    const selected = opts.selected();
    drawLayers(g, grouped(level), px);
    const chosen = selected && communes.find((d) => d.insee === selected);
    if (chosen) {
      g.strokeStyle = "#111111";
      g.lineWidth = 3 * px;
      g.stroke(trace(new Path2D(), chosen, 2 ** level));
    }
    buffer.width = canvas.width;
    buffer.height = canvas.height;
    buffer.getContext("2d")?.drawImage(canvas, 0, 0);
    bufferCamera = { ...camera };
  };

  /** Moves the last full drawing while the camera moves, then draws in full. */
  const moving = () => {
    const { dpr } = size();
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    const k = camera.scale / bufferCamera.scale;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.setTransform(k, 0, 0, k, (camera.x - bufferCamera.x * k) * dpr, (camera.y - bufferCamera.y * k) * dpr);
    g.drawImage(buffer, 0, 0);
    clearTimeout(settle);
    settle = window.setTimeout(full, SETTLE_MS);
  };

  const api = {
    canvas,
    communes,
    /** Adds communes read from Rust. @param {import("../../core/ipc.js").MapShape[]} shapes */
    add(shapes) {
      const added = shapes.map(drawn);
      communes.push(...added);
      // Built again at the next full drawing (a path drawn once is never extended: WebKit
      // would copy it at each addition).
      layers.clear();
      return added;
    },
    /** Draws communes just added over the map as it is, without drawing it all again. @param {Drawn[]} added */
    paint(added) {
      const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
      const { px, level } = onCamera(g);
      /** @type {Layers} */
      const l = { fills: new Map(), outlines: new Path2D(), never: null };
      for (const d of added) into(l, d, level);
      drawLayers(g, l, px);
    },
    /** The classes or the communes never met changed: the paths are gathered again. */
    invalidate() { layers.clear(); },
    /** Sets the bounds to fit (west, south, east, north in metres). @param {number[]} b */
    setBounds(b) { bounds = b; },
    /** Fits the territory in the canvas. */
    fit() {
      const { w, hgt } = size();
      const [x0, y0, x1, y1] = bounds;
      const scale = Math.min((w - 24) / Math.max(1, x1 - x0), (hgt - 24) / Math.max(1, y1 - y0));
      camera.scale = scale;
      camera.x = w / 2 - ((x0 + x1) / 2) * scale;
      camera.y = hgt / 2 + ((y0 + y1) / 2) * scale;
      full();
    },
    redraw: full,
    /** Pans by pixels. @param {number} dx @param {number} dy */
    pan(dx, dy) { camera.x += dx; camera.y += dy; moving(); },
    /** Zooms by `factor` around a point of the canvas. @param {number} factor @param {number} sx @param {number} sy */
    zoomAt(factor, sx, sy) {
      const next = Math.min(Math.max(camera.scale * factor, 1e-6), 50);
      const k = next / camera.scale;
      camera.x = sx - (sx - camera.x) * k;
      camera.y = sy - (sy - camera.y) * k;
      camera.scale = next;
      moving();
    },
    /** The commune under a point of the canvas, if any. @param {number} sx @param {number} sy */
    at(sx, sy) {
      const x = (sx - camera.x) / camera.scale;
      const y = (camera.y - sy) / camera.scale;
      for (let i = communes.length - 1; i >= 0; i -= 1) if (inside(communes[i], x, y)) return communes[i];
      return null;
    },
    /** Where a commune's middle is on the canvas (for tests and the tooltip). @param {string} insee */
    centre(insee) {
      const d = communes.find((c) => c.insee === insee);
      if (!d) return null;
      return { x: camera.x + ((d.box[0] + d.box[2]) / 2) * camera.scale, y: camera.y - ((d.box[1] + d.box[3]) / 2) * camera.scale };
    },
  };
  return api;
}

/** @typedef {ReturnType<typeof mapCanvas>} MapCanvas */

/**
 * Pan with the mouse (drag), zoom with the wheel, and the keyboard: arrows pan, + and −
 * zoom, 0 fits. `onPick` hears a click on a commune, `onHover` the commune under the mouse.
 * @param {MapCanvas} map
 * @param {(d: Drawn) => void} onPick
 * @param {(d: Drawn|null, x: number, y: number) => void} onHover
 */
export function wireCanvas(map, onPick, onHover) {
  const { canvas } = map;
  let drag = /** @type {{x: number, y: number, moved: boolean}|null} */ (null);
  canvas.addEventListener("pointerdown", (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, moved: false };
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener("pointermove", (ev) => {
    const r = canvas.getBoundingClientRect();
    if (drag) {
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      if (drag.moved) { map.pan(dx, dy); drag.x = ev.clientX; drag.y = ev.clientY; }
      return;
    }
    onHover(map.at(ev.clientX - r.left, ev.clientY - r.top), ev.clientX - r.left, ev.clientY - r.top);
  });
  canvas.addEventListener("pointerup", (ev) => {
    const r = canvas.getBoundingClientRect();
    if (drag && !drag.moved) {
      const d = map.at(ev.clientX - r.left, ev.clientY - r.top);
      if (d) onPick(d);
    }
    drag = null;
  });
  canvas.addEventListener("pointerleave", () => onHover(null, 0, 0));
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    map.zoomAt(ev.deltaY < 0 ? 1.2 : 1 / 1.2, ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  canvas.addEventListener("keydown", (ev) => {
    const step = 60;
    const [mx, my] = [canvas.clientWidth / 2, canvas.clientHeight / 2];
    const keys = /** @type {Record<string, () => void>} */ ({
      ArrowLeft: () => map.pan(step, 0),
      ArrowRight: () => map.pan(-step, 0),
      ArrowUp: () => map.pan(0, step),
      ArrowDown: () => map.pan(0, -step),
      "+": () => map.zoomAt(1.25, mx, my),
      "=": () => map.zoomAt(1.25, mx, my),
      "-": () => map.zoomAt(0.8, mx, my),
      "0": () => map.fit(),
    });
    const fn = keys[ev.key];
    if (fn) { ev.preventDefault(); fn(); }
  });
}
