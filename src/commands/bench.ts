// `stepcount bench SUITE`: run a suite of named benchmarks, write one results file, optionally
// save it as a baseline and compare with another: the one-line CI check is
//   stepcount bench suite.json --baseline main --threshold 1%
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { baselinePath, DEFAULT_BASELINE_DIR, loadBaseline, saveBaseline } from '../ci/baseline.js';
import { BenchProgress } from '../ci/bench-progress.js';
import { Interrupted, runSuite } from '../ci/bench-runner.js';
import { compareSets } from '../ci/compare.js';
import { EXPORT_OPTION_HELP, parseExports, writeExports } from '../ci/export.js';
import { addCompareOptions, emitReport, renderResults } from '../ci/report-format.js';
import { makeResults, serializeResults, type ResultsFile } from '../ci/results.js';
import { addRunOptions, type RunCiOptions } from '../ci/run-options.js';
import { checkStable, describeRuns, runStats } from '../ci/runs.js';
import { filterBenchmarks, loadSuite } from '../ci/suite.js';
import { Interrupts } from '../interrupts.js';
import { CliError, EXIT } from '../errors.js';
import { int } from '../format.js';
import { checkWritable } from '../output-file.js';
import { writeOutput } from '../ci/write-file.js';
import { finishComparison, type CompareCommandOptions } from './compare.js';

export interface BenchOptions extends CompareCommandOptions, Pick<RunCiOptions, 'runs' | 'requireStable'> {
  filter?: string;
  output?: string;
  saveBaseline?: string;
  baseline?: string;
  baselineDir: string;
  export?: string[];
  quiet?: boolean;
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create ${dir}: ${(e as Error).message}`, EXIT.cantCreate);
  }
}

/** Runs the suite; writes results, baseline, exports and the report; throws on instability/regression. */
export async function benchCommand(suiteFile: string, opts: BenchOptions): Promise<ResultsFile> {
  const output = opts.output ?? path.join(opts.baselineDir, 'latest.json');
  if (!opts.output) ensureDir(opts.baselineDir);
  checkWritable(output);
  if (opts.report) checkWritable(opts.report);
  const exports = parseExports(opts.export);
  const suite = await loadSuite(suiteFile);
  const selected = filterBenchmarks(suite.benchmarks, opts.filter);
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baselineDir, opts.baseline) : undefined;

  const line = !opts.quiet && process.stderr.isTTY ? new BenchProgress(process.stderr) : undefined;
  const interrupts = new Interrupts();
  let benchmarks;
  try {
    benchmarks = await runSuite(suite, selected, {
      runs: opts.runs ?? 1,
      signal: interrupts.signal,
      onStart: line && ((i, n, name, run, runs) => line.start(i, n, name, run, runs)),
      onProgress: line && ((p) => line.update(p)),
      onDone: (r, i, n) => {
        line?.clear();
        if (opts.quiet) return;
        const s = runStats(r.runs);
        process.stderr.write(`stepcount: [${i}/${n}] ${r.name}: ${int(r.profile.totals.instructions)} instructions${r.runs.length > 1 ? ` (${describeRuns(s)})` : ''}\n`);
      },
    });
  } catch (e) {
    if (e instanceof Interrupted) throw new CliError(`interrupted during benchmark "${e.message}": no results written`, interrupts.status ?? EXIT.sigint);
    throw e;
  } finally {
    interrupts.dispose();
    line?.clear();
  }

  const results = makeResults(benchmarks);
  writeOutput(output, serializeResults(results));
  if (opts.saveBaseline !== undefined) saveBaseline(opts.baselineDir, opts.saveBaseline, results);
  writeExports(exports, results);

  const unstable = results.summary.filter((s) => !s.stable);
  const failUnstable = () => {
    if (opts.requireStable && unstable.length) {
      const b = results.benchmarks.find((x) => x.name === unstable[0]!.name)!;
      checkStable(runStats(b.runs), `benchmark "${b.name}"${unstable.length > 1 ? ` (and ${unstable.length - 1} more)` : ''}`);
    }
  };
  if (!baseline) {
    emitReport(renderResults(results.summary, opts, process.stdout), opts);
    failUnstable();
    return results;
  }
  // With --filter, baseline benchmarks outside the filter are not "missing": leave them out.
  const re = opts.filter === undefined ? undefined : new RegExp(opts.filter);
  const base = { file: baselinePath(opts.baselineDir, opts.baseline!), kind: 'results' as const, benchmarks: baseline.benchmarks.filter((b) => !re || re.test(b.name)) };
  const comparison = compareSets(base, { file: output, kind: 'results', benchmarks }, opts);
  try {
    finishComparison(comparison, opts);
  } finally {
    failUnstable(); // an unstable count makes the comparison meaningless: its status wins
  }
  return results;
}

export function register(program: Command): void {
  const cmd = program
    .command('bench')
    .description('run a suite of named benchmarks (JSON or JS file), write one results file, compare with a baseline')
    .argument('<suite>', 'suite file: {"benchmarks": [{"name", "command", "args", ...}]} (see the README)')
    .option('--filter <regex>', 'run only the benchmarks whose name matches')
    .option('-o, --output <file>', 'results file to write (default: BASELINE-DIR/latest.json)')
    .option('--save-baseline <name>', 'also save the results as baseline NAME')
    .option('--baseline <name>', 'compare with baseline NAME (saved earlier with --save-baseline)')
    .option('--baseline-dir <dir>', 'where baselines are kept', DEFAULT_BASELINE_DIR)
    .option('--export <format-and-file...>', EXPORT_OPTION_HELP)
    .option('-q, --quiet', 'no progress or per-benchmark lines on stderr');
  addRunOptions(cmd, false);
  addCompareOptions(cmd)
    .exitOverride()
    .action(async (suite: string, opts: BenchOptions) => {
      await benchCommand(suite, opts);
    });
}
