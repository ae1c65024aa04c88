// --runs N: trace the same command N times. Counts of a deterministic program are identical
// run to run; the spread (max - min) shows when they are not. The profile kept is the run
// with the median count (the lower middle one for an even N), so it is a real run.
import { CliError } from '../errors.js';
import { int } from '../format.js';
import type { Profile } from '../profile.js';
import { recordProfile, type RecordOptions } from '../record.js';
import { CI_EXIT } from './status.js';

export interface RunStats {
  /** Instruction count of every run, in run order. */
  counts: number[];
  min: number;
  /** The lower median: a count that one of the runs had. */
  median: number;
  max: number;
  /** All runs counted exactly the same. */
  stable: boolean;
}

export function runStats(counts: number[]): RunStats {
  if (counts.length === 0) throw new Error('runStats: no runs');
  const sorted = [...counts].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return { counts: [...counts], min, median: sorted[Math.floor((sorted.length - 1) / 2)]!, max, stable: min === max };
}

export interface RepeatedRun {
  /** The median run's profile (or the interrupted run's, marked incomplete). */
  profile: Profile;
  stats: RunStats;
}

/**
 * Traces the command `runs` times (stopping early if a run is interrupted). `onRun` is
 * called before each run with its 1-based number.
 */
export async function runRepeated(opts: RecordOptions, runs: number, onRun?: (run: number) => void): Promise<RepeatedRun> {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  const profiles: Profile[] = [];
  for (let i = 1; i <= runs; i++) {
    onRun?.(i);
    const p = await recordProfile(opts);
    if (!p.complete) return { profile: p, stats: runStats([...profiles, p].map((q) => q.totals.instructions)) };
    profiles.push(p);
  }
  const stats = runStats(profiles.map((p) => p.totals.instructions));
  const profile = profiles.find((p) => p.totals.instructions === stats.median)!;
  return { profile, stats };
}

/** One line: "5 runs: min 1,234 · median 1,234 · max 1,234 · all identical". */
export function describeRuns(s: RunStats): string {
  const head = `${s.counts.length} runs: min ${int(s.min)} · median ${int(s.median)} · max ${int(s.max)}`;
  return `${head} · ${s.stable ? 'all identical' : `spread ${int(s.max - s.min)}${s.min > 0 ? ` (${((100 * (s.max - s.min)) / s.min).toFixed(3)}%)` : ''}`}`;
}

/** --require-stable: a spread between runs is an error (status CI_EXIT.unstable). */
export function checkStable(s: RunStats, what: string): void {
  if (!s.stable) {
    throw new CliError(
      `${what} is not deterministic: ${describeRuns(s)} (see "Sources of variation" in the README)`,
      CI_EXIT.unstable,
    );
  }
}
