// The results summary `stepcount bench` prints when it has no baseline to compare with.
import { Chalk } from 'chalk';
import { int, table } from '../format.js';
import { mdTable, cell } from './render-markdown.js';
import type { SummaryRow } from './results.js';

const spread = (r: SummaryRow) => (r.runs === 1 ? '' : r.stable ? 'identical' : `±${int(r.max - r.min)}`);

export function renderResultsText(rows: SummaryRow[], opts: { color: boolean }): string {
  const k = new Chalk({ level: opts.color ? 1 : 0 });
  const multi = rows.some((r) => r.runs > 1);
  const head = ['benchmark', 'instructions', ...(multi ? ['runs', 'min', 'max', 'spread'] : [])];
  const body = rows.map((r) => [r.name, int(r.instructions), ...(multi ? [String(r.runs), int(r.min), int(r.max), spread(r)] : [])]);
  const lines = table([head, ...body], [false, true, true, true, true, false], '');
  return [k.bold(lines[0]!), ...lines.slice(1).map((l, i) => (rows[i]!.stable ? l : k.yellow(l)))].join('\n') + '\n';
}

export function renderResultsMarkdown(rows: SummaryRow[]): string {
  const multi = rows.some((r) => r.runs > 1);
  const head = ['Benchmark', 'Instructions', ...(multi ? ['Runs', 'Min', 'Max', 'Spread'] : [])];
  const align: ('l' | 'r')[] = ['l', 'r', ...(multi ? (['r', 'r', 'r', 'l'] as const) : [])];
  const body = rows.map((r) => ['`' + cell(r.name) + '`', int(r.instructions), ...(multi ? [String(r.runs), int(r.min), int(r.max), spread(r)] : [])]);
  return [`### stepcount: ${rows.length} benchmark${rows.length === 1 ? '' : 's'}`, '', ...mdTable(head, align, body)].join('\n') + '\n';
}
