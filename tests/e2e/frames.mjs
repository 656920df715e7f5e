// Frame timings of a canvas in the real app, for the scale tests: panned and zoomed with the
// keyboard, one move per frame, the interval between frames recorded.

/** The `p` quantile of `xs`. @param {number[]} xs @param {number} p */
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
};

/**
 * Pans and zooms the canvas `id` in turn with the keyboard, one move per frame, 160 moves;
 * resolves with the intervals between frames, in milliseconds.
 * @param {import("selenium-webdriver").WebDriver} d @param {string} id
 * @returns {Promise<number[]>}
 */
export function panAndZoom(d, id) {
  return d.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const canvas = document.getElementById(arguments[0]);
    canvas.focus();
    // Pans and zooms in turn (they drift a little: recentre before a screenshot).
    const keys = ["ArrowLeft", "ArrowUp", "+", "ArrowRight", "ArrowDown", "-", "ArrowLeft", "ArrowRight"];
    const frames = [];
    let last = 0;
    let i = 0;
    const frame = (now) => {
      if (last) frames.push(now - last);
      last = now;
      if (i >= 160) { done(frames); return; }
      canvas.dispatchEvent(new KeyboardEvent("keydown", { key: keys[i++ % keys.length], bubbles: true }));
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);`, id);
}
