// Number formatting shared by the comparison renderers.
import { int } from '../format.js';
import type { BenchDelta, Comparison, Verdict } from './compare.js';

export const signedInt = (n: number | null) => (n === null ? '' : n > 0 ? `+${int(n)}` : n < 0 ? `-${int(-n)}` : '0');

export function signedPct(p: number | null, delta: number | null): string {
  if (delta === null) return '';
  if (p === null) return 'new';
  return `${p > 0 ? '+' : ''}${p.toFixed(2)}%`;
}

export const count = (n: number | null) => (n === null ? '—' : int(n));

export const MARKER: Record<Verdict, string> = {
  regression: '▲',
  improvement: '▼',
  changed: '',
  unchanged: '',
  added: '+',
  removed: '-',
};

export function verdictNote(r: BenchDelta): string {
  return r.verdict === 'added' ? 'new benchmark' : r.verdict === 'removed' ? 'not in new' : '';
}

/** "1 regression, 2 improvements beyond 1% · 5 benchmarks (2 unchanged)". */
export function headline(c: Comparison): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const by = (v: Verdict) => c.benchmarks.filter((r) => r.verdict === v).length;
  const extra = [
    by('changed') && `${by('changed')} within threshold`,
    by('unchanged') && `${by('unchanged')} unchanged`,
    by('added') && `${by('added')} new`,
    by('removed') && `${by('removed')} missing`,
  ].filter(Boolean);
  return `${n(c.regressions, 'regression')}, ${n(c.improvements, 'improvement')} beyond ${c.threshold.text} · ${n(c.benchmarks.length, 'benchmark')}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}
