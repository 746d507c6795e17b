// Pictures of an explanation, as hand-written SVG (no browser, no DOM): the beat's waveform over a
// colour overlay of the attribution, a heat strip under it, the QRS and T windows, the class
// probabilities and the RR inputs' attributions; for a residual or pair model also the patient's median
// beat (the template the net's input is taken against), dashed grey. PNG: src/model's svgToPng (@resvg/resvg-js).
import { beatWindows } from "./physiology.js";
import { METHOD_TITLES, type MethodName } from "./types.js";

export interface ExplanationView {
  /** first line, e.g. "100 · beat at sample 1234 · reference N" */
  readonly title: string;
  readonly method: MethodName;
  /** the explained class */
  readonly className: string;
  readonly classes: readonly string[];
  readonly probs: readonly number[];
  /** the beat's window in mV (any rate), its rate and the R peak's index in it */
  readonly signal: ArrayLike<number>;
  readonly fs: number;
  readonly rIndex: number;
  /** one value per signal sample */
  readonly attribution: ArrayLike<number>;
  /** attributions of the extra (RR) inputs */
  readonly other: readonly { readonly name: string; readonly value: number }[];
  /** residual or pair model: the record's median beat, like `signal` (same samples and units); a residual
   * model's explained input is then signal minus template, a pair model's the signal itself */
  readonly template?: ArrayLike<number>;
  /** which of the two the template belongs to (default residual) */
  readonly morph?: "residual" | "pair";
  /** the template is the record's second template (model.json secondTemplate), not its median beat */
  readonly secondTemplate?: boolean;
  /** the model's test-time shifts: the explained score is the logit averaged over them (shifted.ts) */
  readonly testTimeShifts?: readonly number[];
}

/** What is explained of class `c`: its logit, or with test-time shifts its mean over the shifted inputs. */
export const scoreName = (c: string, shifts?: readonly number[]): string =>
  shifts ? `${c} logit averaged over the input shifted by ${shifts.join(", ")} samples` : `${c} logit`;

/** What the explained input is, said under the picture of a residual model. */
export const RESIDUAL_NOTE =
  "explained input: this beat minus the patient's median beat (the record's template), what the model reads";

/** What the explained input is, said under the picture of a pair model. */
export const PAIR_NOTE =
  "explained input: this beat, read by the model as it is and as its deviation from the patient's median beat";

/** The note of a residual or pair model's picture; `second`: the beat was read against the second template. */
export const inputNote = (morph: "residual" | "pair" | undefined, second = false): string => {
  const note = morph === "pair" ? PAIR_NOTE : RESIDUAL_NOTE;
  return second ? note.replace(/the patient's median beat( \(the record's template\))?/, SECOND_NAME) : note;
};

/** What a beat classified against the record's second template is read against. */
const SECOND_NAME = "the median beat of the patient's second QRS shape";

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const f = (v: number) => (Math.round(v * 10) / 10).toString();
const FONT = `font-family="DejaVu Sans, Arial, sans-serif"`;

/** Red for positive (for the class), blue for negative (against it), opacity by magnitude. */
export function attributionColour(v: number, max: number): { fill: string; opacity: number } {
  const o = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
  return { fill: v >= 0 ? "#d62728" : "#1f77b4", opacity: Math.round(o * 0.85 * 1000) / 1000 };
}

export interface PanelBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The waveform, overlay, heat strip, QRS/T windows and time axis of one beat, inside `box`. */
export function beatPanel(v: ExplanationView, box: PanelBox, compact = false): string {
  const n = v.signal.length;
  const strip = compact ? 8 : 16;
  const axis = compact ? 0 : 22;
  const plotH = box.h - strip - axis - 6;
  const sig = Array.from(v.signal);
  const tpl = v.template ? Array.from(v.template) : [];
  const lo = Math.min(...sig, ...tpl);
  const hi = Math.max(...sig, ...tpl);
  const pad = (hi - lo || 1) * 0.08;
  const px = (i: number) => box.x + (i / Math.max(1, n - 1)) * box.w;
  const py = (mv: number) => box.y + plotH - ((mv - lo + pad) / (hi - lo + 2 * pad)) * plotH;
  const max = Math.max(...Array.from(v.attribution, Math.abs));
  const cw = box.w / n;
  const out: string[] = [];
  const w = beatWindows(v.fs, v.rIndex, n);
  const band = (r: readonly [number, number], label: string, cls: string) => {
    if (r[1] <= r[0]) return;
    out.push(
      `<rect class="${cls}" x="${f(px(r[0]))}" y="${box.y}" width="${f(px(r[1]) - px(r[0]))}" height="${f(plotH)}" fill="#000" fill-opacity="0.05" stroke="#888" stroke-dasharray="3,3" stroke-width="0.8"/>`,
      `<text class="window-label" x="${f((px(r[0]) + px(r[1])) / 2)}" y="${box.y - (compact ? 2 : 5)}" ${FONT} font-size="${compact ? 8 : 12}" fill="#555" text-anchor="middle">${label}</text>`,
    );
  };
  out.push(`<g class="overlay">`);
  for (let i = 0; i < n; i++) {
    const c = attributionColour(v.attribution[i], max);
    if (c.opacity > 0.01)
      out.push(
        `<rect x="${f(box.x + i * cw)}" y="${box.y}" width="${f(cw + 0.3)}" height="${f(plotH)}" fill="${c.fill}" fill-opacity="${c.opacity}"/>`,
      );
  }
  out.push(`</g>`);
  band(w.qrs, "QRS", "qrs-window");
  band(w.t, "T", "t-window");
  const points = sig.map((mv, i) => `${f(px(i))},${f(py(mv))}`).join(" ");
  if (tpl.length > 0)
    out.push(
      `<polyline class="template" points="${tpl.map((mv, i) => `${f(px(i))},${f(py(mv))}`).join(" ")}" fill="none" stroke="#777" stroke-dasharray="4,3" stroke-width="${compact ? 0.8 : 1.2}"/>`,
    );
  out.push(
    `<polyline class="waveform" points="${points}" fill="none" stroke="#111" stroke-width="${compact ? 1 : 1.6}"/>`,
  );
  const sy = box.y + plotH + 4;
  out.push(`<g class="heat-strip">`);
  for (let i = 0; i < n; i++) {
    const c = attributionColour(v.attribution[i], max);
    out.push(
      `<rect x="${f(box.x + i * cw)}" y="${f(sy)}" width="${f(cw + 0.3)}" height="${strip}" fill="${c.fill}" fill-opacity="${c.opacity}"/>`,
    );
  }
  out.push(
    `</g>`,
    `<rect x="${box.x}" y="${f(sy)}" width="${box.w}" height="${strip}" fill="none" stroke="#999" stroke-width="0.5"/>`,
  );
  if (!compact) {
    const ty = sy + strip + 14;
    for (let ms = -200; ms <= 500; ms += 100) {
      const i = v.rIndex + (ms * v.fs) / 1000;
      if (i < 0 || i > n - 1) continue;
      out.push(
        `<line x1="${f(px(i))}" y1="${f(sy + strip)}" x2="${f(px(i))}" y2="${f(sy + strip + 4)}" stroke="#555"/>`,
        `<text x="${f(px(i))}" y="${f(ty)}" ${FONT} font-size="11" fill="#333" text-anchor="middle">${ms} ms</text>`,
      );
    }
    out.push(
      `<text x="${box.x - 8}" y="${f(py(hi))}" ${FONT} font-size="11" fill="#333" text-anchor="end">${hi.toFixed(2)} mV</text>`,
      `<text x="${box.x - 8}" y="${f(py(lo))}" ${FONT} font-size="11" fill="#333" text-anchor="end">${lo.toFixed(2)} mV</text>`,
    );
  }
  return out.join("\n");
}

/** The full picture of one explanation: 960 x 460 SVG. */
export function explanationSvg(v: ExplanationView): string {
  const W = 960;
  const H = 460;
  const pred = v.probs.indexOf(Math.max(...v.probs));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text class="title" x="20" y="28" ${FONT} font-size="17" font-weight="bold" fill="#111">${esc(v.title)}</text>`,
    `<text class="subtitle" x="20" y="50" ${FONT} font-size="13" fill="#333">${esc(
      `${METHOD_TITLES[v.method]} of the ${scoreName(v.className, v.testTimeShifts)} · predicted ${v.classes[pred]} (${(100 * v.probs[pred]).toFixed(1)} %)`,
    )}</text>`,
    beatPanel(v, { x: 80, y: 70, w: 620, h: 330 }),
    `<text x="80" y="${H - 20}" ${FONT} font-size="11" fill="#555">red: raises the ${esc(v.className)} logit · blue: lowers it · opacity: |attribution| / max</text>`,
  ];
  if (v.template)
    out.push(
      `<text class="input-note" x="80" y="${H - 38}" ${FONT} font-size="11" fill="#333">${esc(`${inputNote(v.morph, v.secondTemplate)}; dashed grey: ${v.secondTemplate ? "that beat" : "the median beat"}`)}</text>`,
    );
  // class probabilities
  const bx = 740;
  out.push(
    `<text x="${bx}" y="84" ${FONT} font-size="13" font-weight="bold" fill="#111">class probabilities</text>`,
  );
  v.classes.forEach((c, k) => {
    const y = 100 + k * 26;
    const p = v.probs[k];
    const bold = k === pred ? ` font-weight="bold"` : "";
    out.push(
      `<text class="class-label" x="${bx}" y="${y + 13}" ${FONT} font-size="12"${bold} fill="#111">${esc(c)}${c === v.className ? " *" : ""}</text>`,
      `<rect x="${bx + 40}" y="${y + 2}" width="${f(120 * p)}" height="14" fill="${k === pred ? "#2ca02c" : "#9aa"}"/>`,
      `<text x="${bx + 166}" y="${y + 13}" ${FONT} font-size="11" fill="#333">${(100 * p).toFixed(1)} %</text>`,
    );
  });
  if (v.other.length > 0) {
    const y0 = 120 + v.classes.length * 26;
    const max = Math.max(...v.other.map((o) => Math.abs(o.value)), 1e-12);
    out.push(
      `<text x="${bx}" y="${y0}" ${FONT} font-size="13" font-weight="bold" fill="#111">RR inputs</text>`,
    );
    v.other.forEach((o, k) => {
      const y = y0 + 10 + k * 22;
      const len = (60 * Math.abs(o.value)) / max;
      const c = o.value >= 0 ? "#d62728" : "#1f77b4";
      out.push(
        `<text class="rr-label" x="${bx}" y="${y + 12}" ${FONT} font-size="10" fill="#111">${esc(o.name)}</text>`,
        `<rect x="${f(o.value >= 0 ? bx + 150 : bx + 150 - len)}" y="${y + 3}" width="${f(len)}" height="11" fill="${c}"/>`,
        `<text x="${bx + 150}" y="${y + 24}" ${FONT} font-size="9" fill="#555" text-anchor="middle">${o.value.toFixed(3)}</text>`,
      );
    });
  }
  out.push(`</svg>`);
  return out.join("\n");
}
