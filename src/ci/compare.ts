// Comparing two sets of benchmarks (profiles or results files), matched by name: the pure
// computation behind `stepcount compare` and `bench --baseline`. Renderers turn the
// Comparison into text, markdown or JSON.
import { CliError, EXIT } from '../errors.js';
import { functionDeltas, type FunctionDelta } from './functions.js';
import { checkInputs } from './inputs.js';
import type { BenchResult, BenchSet } from './results.js';
import { beyond, percentChange, type Threshold } from './threshold.js';

/** regression/improvement: beyond the threshold; changed: within it; added/removed: one side only. */
export type Verdict = 'regression' | 'improvement' | 'changed' | 'unchanged' | 'added' | 'removed';

export interface BenchDelta {
  name: string;
  verdict: Verdict;
  base: number | null;
  new: number | null;
  delta: number | null;
  percent: number | null;
  /** Functions that changed most; null when a profile has no per-function counts. */
  functions: FunctionDelta[] | null;
  /** Inputs that differ between the two runs (argv, cwd, environment, ...). */
  inputsDiffer: string[];
}

export interface Comparison {
  base: string;
  new: string;
  threshold: Threshold;
  /** Regressions first (largest first), then improvements, other changes, unchanged, added, removed. */
  benchmarks: BenchDelta[];
  regressions: number;
  improvements: number;
}

export interface CompareOptions {
  threshold: Threshold;
  /** How many functions to list per benchmark. */
  top: number;
  /** Compare different programs anyway. */
  force?: boolean;
}

const ORDER: Verdict[] = ['regression', 'improvement', 'changed', 'unchanged', 'added', 'removed'];

/** Pairs benchmarks by name; two single-benchmark sets where one is a plain profile pair directly. */
type Pair = { name: string; a?: BenchResult; b?: BenchResult };

function pairs(base: BenchSet, now: BenchSet): Pair[] {
  if (base.kind === 'profile' || now.kind === 'profile') {
    if (base.benchmarks.length !== 1 || now.benchmarks.length !== 1) {
      const [many, one] = base.kind === 'profile' ? [now, base] : [base, now];
      throw new CliError(
        `cannot match the single profile ${one.file} against the ${many.benchmarks.length} benchmarks of ${many.file} (compare two results files, or two profiles)`,
        EXIT.usage,
      );
    }
    const a = base.benchmarks[0]!;
    const b = now.benchmarks[0]!;
    return [{ name: now.kind === 'results' ? b.name : a.name, a, b }];
  }
  const byName = new Map(now.benchmarks.map((b) => [b.name, b]));
  const out: Pair[] = base.benchmarks.map((a) => ({ name: a.name, a, b: byName.get(a.name) }));
  const known = new Set(base.benchmarks.map((a) => a.name));
  for (const b of now.benchmarks) if (!known.has(b.name)) out.push({ name: b.name, a: undefined, b });
  return out;
}

export function compareSets(base: BenchSet, now: BenchSet, opts: CompareOptions): Comparison {
  const rows: BenchDelta[] = [];
  const problems: string[] = [];
  for (const { name, a, b } of pairs(base, now)) {
    if (!a || !b) {
      const p = (a ?? b)!.profile.totals.instructions;
      rows.push({ name, verdict: a ? 'removed' : 'added', base: a ? p : null, new: b ? p : null, delta: null, percent: null, functions: null, inputsDiffer: [] });
      continue;
    }
    const check = checkInputs(a.profile, b.profile, opts);
    for (const e of check.errors) problems.push(`benchmark "${name}": ${e}`);
    const x = a.profile.totals.instructions;
    const y = b.profile.totals.instructions;
    const verdict: Verdict = x === y ? 'unchanged' : !beyond(opts.threshold, x, y) ? 'changed' : y > x ? 'regression' : 'improvement';
    rows.push({ name, verdict, base: x, new: y, delta: y - x, percent: percentChange(x, y), functions: functionDeltas(a.profile, b.profile, opts.top), inputsDiffer: check.differ });
  }
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new CliError(`cannot compare ${base.file} with ${now.file}: ${problems[0]}${more}`, EXIT.dataErr);
  }
  const mag = (r: BenchDelta) => Math.abs(r.percent ?? Infinity);
  rows.sort((p, q) => ORDER.indexOf(p.verdict) - ORDER.indexOf(q.verdict) || (p.delta !== null && q.delta !== null ? mag(q) - mag(p) : 0) || p.name.localeCompare(q.name));
  return {
    base: base.file,
    new: now.file,
    threshold: opts.threshold,
    benchmarks: rows,
    regressions: rows.filter((r) => r.verdict === 'regression').length,
    improvements: rows.filter((r) => r.verdict === 'improvement').length,
  };
}

/** The one-line error for a comparison with regressions (status CI_EXIT.regression), or null. */
export function regressionMessage(c: Comparison): string | null {
  const regs = c.benchmarks.filter((r) => r.verdict === 'regression');
  if (!regs.length) return null;
  const fmt = (p: number | null) => (p === null ? 'new' : `${p >= 0 ? '+' : ''}${p.toFixed(2)}%`);
  const items = regs.slice(0, 3).map((r) => {
    const grew = r.functions?.find((f) => f.delta > 0);
    return `${r.name} ${fmt(r.percent)}${grew ? ` (${grew.name} ${grew.delta > 0 ? '+' : ''}${grew.delta.toLocaleString('en-US')})` : ''}`;
  });
  const more = regs.length > 3 ? `, and ${regs.length - 3} more` : '';
  return `${regs.length} regression${regs.length > 1 ? 's' : ''} beyond ${c.threshold.text}: ${items.join(', ')}${more}`;
}
