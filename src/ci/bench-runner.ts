// Running a suite: each selected benchmark traced `runs` times in its own controlled
// environment (see env.ts), checked against its expected exit status.
import path from 'node:path';
import { ensureAttribution } from '../attribution/ensure.js';
import { CliError } from '../errors.js';
import type { TraceProgress } from '../native.js';
import { runRepeated } from './runs.js';
import { suiteEnv } from './env.js';
import type { BenchResult } from './results.js';
import { CI_EXIT } from './status.js';
import type { BenchmarkSpec, Suite } from './suite.js';

export interface SuiteRunOptions {
  runs: number;
  signal?: AbortSignal;
  /** Called before each run of each benchmark (1-based index of `total`). */
  onStart?: (index: number, total: number, name: string, run: number, runs: number) => void;
  onProgress?: (p: TraceProgress) => void;
  /** Called when a benchmark is done. */
  onDone?: (result: BenchResult, index: number, total: number) => void;
}

export class Interrupted extends Error {}

async function runOne(suite: Suite, b: BenchmarkSpec, opts: SuiteRunOptions, index: number, total: number): Promise<BenchResult> {
  const cwd = path.resolve(suite.dir, b.cwd ?? '.');
  let res;
  try {
    res = await runRepeated(
      {
        argv: [b.command, ...(b.args ?? [])],
        cwd,
        env: suiteEnv([suite.env, b.env]),
        stdinFile: b.stdin,
        regions: b.function ? { functions: [b.function], markers: false } : undefined,
        onProgress: opts.onProgress,
        signal: opts.signal,
      },
      opts.runs,
      (run) => opts.onStart?.(index, total, b.name, run, opts.runs),
    );
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`benchmark "${b.name}": ${e.message}`, e.status);
    throw e;
  }
  if (!res.profile.complete) throw new Interrupted(b.name);
  // Per-function counts (for compare's function deltas), while the binaries are at hand.
  await ensureAttribution(res.profile, { lines: false });
  const want = b.exitStatus ?? 0;
  if (res.profile.exit.status !== want) {
    throw new CliError(
      `benchmark "${b.name}": its command exited with status ${res.profile.exit.status}, expected ${want} (a failing command is not a benchmark; set "exitStatus" if this is intended)`,
      CI_EXIT.benchFailed,
    );
  }
  return { name: b.name, runs: res.stats.counts, profile: res.profile };
}

/** Runs the benchmarks in order; throws Interrupted if `signal` aborts a trace. */
export async function runSuite(suite: Suite, benchmarks: BenchmarkSpec[], opts: SuiteRunOptions): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const [i, b] of benchmarks.entries()) {
    const r = await runOne(suite, b, opts, i + 1, benchmarks.length);
    out.push(r);
    opts.onDone?.(r, i + 1, benchmarks.length);
  }
  return out;
}
