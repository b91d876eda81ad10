/** bench:soak's chart: memory over time as a self-contained SVG (no library, no fonts to fetch). */

export interface Series {
  name: string;
  colour: string;
  /** [seconds since start, megabytes] */
  points: [number, number][];
}

const W = 900;
const H = 420;
const PAD = { left: 60, right: 20, top: 40, bottom: 50 };

function xml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function memoryChart(
  title: string,
  series: Series[],
  marks: { at: number; label: string }[] = [],
): string {
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map((p) => p[0]));
  const maxY = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const x = (v: number) => PAD.left + (v / maxX) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const ticks = 5;
  const grid = Array.from({ length: ticks + 1 }, (_, i) => {
    const v = (maxY / ticks) * i;
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>
<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`;
  });
  const xTicks = Array.from({ length: ticks + 1 }, (_, i) => {
    const v = (maxX / ticks) * i;
    return `<text x="${x(v)}" y="${H - PAD.bottom + 18}" text-anchor="middle">${(v / 60).toFixed(1)}</text>`;
  });
  const lines = series.map(
    (s) =>
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${s.points
        .map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`)
        .join(" ")}"/>`,
  );
  const legend = series.map(
    (s, i) =>
      `<rect x="${PAD.left + 10 + i * 200}" y="12" width="14" height="4" fill="${s.colour}"/>
<text x="${PAD.left + 30 + i * 200}" y="18">${xml(s.name)}</text>`,
  );
  // Labels step down, so marks close together stay readable.
  const markLines = marks.map(
    (
      m,
      i,
    ) => `<line x1="${x(m.at)}" x2="${x(m.at)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#999" stroke-dasharray="4 4"/>
<text x="${x(m.at) + 4}" y="${PAD.top + 12 + (i % 3) * 14}" fill="#666">${xml(m.label)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<title>${xml(title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
${grid.join("\n")}
${xTicks.join("\n")}
${markLines.join("\n")}
${lines.join("\n")}
${legend.join("\n")}
<text x="${W / 2}" y="${H - 12}" text-anchor="middle">minutes</text>
<text x="16" y="${H / 2}" transform="rotate(-90 16 ${H / 2})" text-anchor="middle">MB</text>
</svg>
`;
}
