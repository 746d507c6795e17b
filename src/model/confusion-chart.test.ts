import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { confusionChartSvg, writeConfusionChart } from "./confusion-chart.js";

const CM = [
  [7612, 31, 4],
  [212, 1409, 6],
  [17, 2, 583],
];
const CLASSES = ["N", "S", "V"];

/** The text of every <text> element (and its <tspan>s), XML entities decoded. */
function texts(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
    const inner = m[1].replace(/<[^>]+>/g, "\n");
    for (const t of inner.split("\n"))
      if (t.trim()) out.push(t.trim().replace(/&amp;/g, "&").replace(/&lt;/g, "<"));
  }
  return out;
}

test("the SVG shows every class on both axes and every count with its row share", async () => {
  const svg = await confusionChartSvg(CM, CLASSES, { title: "test chart" });
  assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
  const t = texts(svg);
  assert.ok(t.includes("test chart"));
  assert.ok(t.includes("predicted") && t.includes("true"));
  for (const c of CLASSES) assert.equal(t.filter((s) => s === c).length, 2, `class ${c} on both axes`);
  CM.forEach((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    for (const n of row) {
      assert.ok(t.includes(String(n)), `count ${n}`);
      assert.ok(t.includes(`${((100 * n) / sum).toFixed(1)}%`), `share of ${n}`);
    }
  });
  // One heat-map cell per matrix entry.
  assert.equal((svg.match(/ecmeta_series_index="0"/g) ?? []).length, 9);
});

test("a wrongly shaped matrix is refused", async () => {
  await assert.rejects(confusionChartSvg([[1, 2]], ["A", "B"]), /not 2x2/);
});

test("writeConfusionChart writes an SVG and a PNG and no temporary file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "av-cm-"));
  try {
    const out = await writeConfusionChart(join(dir, "cm"), CM, CLASSES);
    const png = await readFile(out.png);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 2000);
    assert.match(await readFile(out.svg, "utf8"), /<svg/);
    assert.deepEqual((await readdir(dir)).sort(), ["cm.png", "cm.svg"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});
