// `compare --format markdown`: GitHub-flavoured markdown for PR comments and
// $GITHUB_STEP_SUMMARY: one table, regressions first, ▲/▼ markers; function details folded.
import type { Comparison } from './compare.js';
import { count, headline, MARKER, signedInt, signedPct, verdictNote } from './delta-format.js';

/** A table cell: pipes escaped, no line breaks, code spans kept safe. */
export function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

const code = (s: string) => '`' + cell(s).replace(/`/g, "'") + '`';

export function mdTable(head: string[], align: ('l' | 'r' | 'c')[], rows: string[][]): string[] {
  const sep = align.map((a) => (a === 'r' ? '--:' : a === 'c' ? ':-:' : ':--'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`);
}

export function renderCompareMarkdown(c: Comparison): string {
  const bold = (s: string, on: boolean) => (on && s ? `**${s}**` : s);
  const out = [`### stepcount: ${headline(c)}`, ''];
  const rows = c.benchmarks.map((r) => {
    const hot = r.verdict === 'regression' || r.verdict === 'improvement';
    return [MARKER[r.verdict], code(r.name), count(r.base), count(r.new), bold(signedInt(r.delta), hot), bold(signedPct(r.percent, r.delta) || verdictNote(r), hot)];
  });
  out.push(...mdTable(['', 'Benchmark', 'Base', 'New', 'Δ', 'Δ %'], ['c', 'l', 'r', 'r', 'r', 'r'], rows));
  const withFns = c.benchmarks.filter((r) => r.functions?.length);
  if (withFns.length) {
    out.push('', '<details><summary>Functions that changed most (self instructions)</summary>', '');
    for (const r of withFns) {
      out.push(`**${cell(r.name)}**`, '');
      const fr = r.functions!.map((f) => [code(f.name), cell(f.object), count(f.base), count(f.new), signedInt(f.delta), signedPct(f.percent, f.delta)]);
      out.push(...mdTable(['Function', 'Object', 'Base', 'New', 'Δ', 'Δ %'], ['l', 'l', 'r', 'r', 'r', 'r'], fr), '');
    }
    out.push('</details>');
  }
  const notes = c.benchmarks.filter((r) => r.inputsDiffer.length);
  if (notes.length) {
    out.push('');
    for (const r of notes) out.push(`- ⚠️ ${code(r.name)}: inputs differ: ${cell(r.inputsDiffer.join('; '))}`);
  }
  out.push('', `<sub>Instruction counts by stepcount; threshold ${c.threshold.text}; base ${cell(c.base)}, new ${cell(c.new)}.</sub>`);
  return out.join('\n') + '\n';
}
