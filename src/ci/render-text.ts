// `compare --format text`: aligned columns for a terminal; regressions red, improvements green.
import { Chalk } from 'chalk';
import { table } from '../format.js';
import type { Comparison } from './compare.js';
import { count, headline, MARKER, signedInt, signedPct, verdictNote } from './delta-format.js';

export function renderCompareText(c: Comparison, opts: { color: boolean }): string {
  const k = new Chalk({ level: opts.color ? 1 : 0 });
  const rows: string[][] = [['', 'benchmark', 'base', 'new', 'delta', 'change']];
  const paint: ((s: string) => string)[] = [k.bold];
  for (const r of c.benchmarks) {
    rows.push([MARKER[r.verdict], r.name, count(r.base), count(r.new), signedInt(r.delta), signedPct(r.percent, r.delta) || verdictNote(r)]);
    paint.push(r.verdict === 'regression' ? k.red.bold : r.verdict === 'improvement' ? k.green.bold : (s) => s);
    for (const f of r.functions ?? []) {
      rows.push(['', `  ${f.name} (${f.object})`, count(f.base), count(f.new), signedInt(f.delta), signedPct(f.percent, f.delta)]);
      paint.push(k.dim);
    }
  }
  const lines = table(rows, [false, false, true, true, true, true], '').map((l, i) => paint[i]!(l));
  const out = [k.bold(`stepcount compare: ${c.base} → ${c.new} (threshold ${c.threshold.text})`), ...lines, ''];
  out.push(c.regressions ? k.red(headline(c)) : headline(c));
  for (const r of c.benchmarks) {
    if (r.inputsDiffer.length) out.push(k.yellow(`note: ${r.name}: inputs differ: ${r.inputsDiffer.join('; ')}`));
  }
  return out.join('\n') + '\n';
}
