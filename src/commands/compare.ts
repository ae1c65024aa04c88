// `stepcount compare BASE NEW`: instruction-count deltas between two profiles or results
// files, per benchmark and per function; exit status 1 on a regression beyond --threshold.
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { checkWritable } from '../output-file.js';
import { compareSets, regressionMessage, type Comparison } from '../ci/compare.js';
import { addCompareOptions, emitReport, renderComparison, type ReportOptions } from '../ci/report-format.js';
import { loadBenchSet } from '../ci/results.js';
import { CI_EXIT } from '../ci/status.js';
import type { Threshold } from '../ci/threshold.js';

export interface CompareCommandOptions extends ReportOptions {
  threshold: Threshold;
  top: number;
  force?: boolean;
}

/** Prints (or writes) the comparison report, then throws CliError(CI_EXIT.regression) on a regression. */
export function finishComparison(c: Comparison, opts: CompareCommandOptions): void {
  emitReport(renderComparison(c, opts, process.stdout), opts);
  const msg = regressionMessage(c);
  if (msg) throw new CliError(msg, CI_EXIT.regression);
}

export function compareCommand(baseFile: string, newFile: string, opts: CompareCommandOptions): Comparison {
  if (opts.report) checkWritable(opts.report);
  const c = compareSets(loadBenchSet(baseFile), loadBenchSet(newFile), opts);
  finishComparison(c, opts);
  return c;
}

export function register(program: Command): void {
  const cmd = program
    .command('compare')
    .description('compare instruction counts of two profiles or results files; exit status 1 on a regression')
    .argument('<base>', 'profile (run -o) or results file (bench, merge) of the base')
    .argument('<new>', 'profile or results file to compare with it');
  addCompareOptions(cmd)
    .exitOverride()
    .action((base: string, now: string, opts: CompareCommandOptions) => {
      compareCommand(base, now, opts);
    });
}
