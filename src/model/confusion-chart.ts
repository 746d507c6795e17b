// A confusion matrix drawn as a heat map: SVG by echarts' server-side renderer, PNG by resvg.
import { writeFileAtomic } from "../wfdb/index.js";
import type { ConfusionMatrix } from "./metrics.js";

export interface ConfusionChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

/**
 * An SVG heat map of `cm` (rows: true class, columns: predicted). Each cell shows its count and the share
 * of its row (the class's recall on the diagonal); colour follows that share so rare classes stay visible.
 */
export async function confusionChartSvg(
  cm: ConfusionMatrix,
  classes: readonly string[],
  opts: ConfusionChartOptions = {},
): Promise<string> {
  const k = classes.length;
  if (cm.length !== k || cm.some((row) => row.length !== k))
    throw new Error(`confusion chart: matrix is not ${k}x${k} for ${k} classes`);
  const echarts = await import("echarts");
  const size = { width: opts.width ?? 120 + 90 * k, height: opts.height ?? 130 + 80 * k };
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, ...size });
  const cells = cm.flatMap((row, t) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => {
      const share = sum > 0 ? count / sum : 0;
      return {
        value: [p, t, share, count],
        label: { color: share > 0.5 ? "#ffffff" : "#1a1a1a" },
      };
    });
  });
  chart.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    title: { text: opts.title ?? "Confusion matrix", left: "center", textStyle: { fontSize: 14 } },
    grid: { left: 70, right: 30, top: 60, bottom: 60 },
    xAxis: { type: "category", data: [...classes], name: "predicted", nameLocation: "middle", nameGap: 30 },
    yAxis: {
      type: "category",
      data: [...classes],
      name: "true",
      nameLocation: "middle",
      nameGap: 45,
      inverse: true,
    },
    visualMap: { show: false, min: 0, max: 1, dimension: 2, inRange: { color: ["#f7fbff", "#08306b"] } },
    series: [
      {
        type: "heatmap",
        data: cells,
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { value: unknown }) => {
            const [, , share, count] = p.value as number[];
            return `${count}\n${(100 * share).toFixed(1)}%`;
          },
        },
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Renders an SVG string to PNG (system fonts, sans-serif as DejaVu Sans if present; `scale` x the SVG's size). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, sansSerifFamily: "DejaVu Sans", defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}

/** Writes `<base>.svg` and `<base>.png` (each to a temporary file, then renamed); returns both paths. */
export async function writeConfusionChart(
  base: string,
  cm: ConfusionMatrix,
  classes: readonly string[],
  opts: ConfusionChartOptions = {},
): Promise<{ svg: string; png: string }> {
  const svg = await confusionChartSvg(cm, classes, opts);
  const png = await svgToPng(svg);
  const out = { svg: `${base}.svg`, png: `${base}.png` };
  await writeFileAtomic(out.svg, svg);
  await writeFileAtomic(out.png, png);
  return out;
}
