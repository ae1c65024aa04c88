// --format text|markdown|json and --report FILE: where and how compare/bench print their report.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { useColor } from '../color.js';
import { writeOutput } from './write-file.js';
import type { Comparison } from './compare.js';
import { renderCompareMarkdown } from './render-markdown.js';
import { renderResultsMarkdown, renderResultsText } from './render-results.js';
import { renderCompareText } from './render-text.js';
import type { SummaryRow } from './results.js';
import { DEFAULT_THRESHOLD, parseThreshold } from './threshold.js';

export type ReportFormat = 'text' | 'markdown' | 'json';

export interface ReportOptions {
  format: ReportFormat;
  report?: string;
  color?: boolean;
}

export function parseFormat(v: string): ReportFormat {
  if (v === 'text' || v === 'markdown' || v === 'json') return v;
  if (v === 'md') return 'markdown';
  throw new InvalidArgumentError(`expected text, markdown or json, got "${v}"`);
}

export function parseTop(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`expected a whole number, got "${v}"`);
  return Number(v);
}

/** The options compare and bench share: threshold, top functions, force, format, report file. */
export function addCompareOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--threshold <limit>', 'a change beyond this is a regression (exit status 1) or an improvement: a percentage like 0.5% or an instruction count')
        .argParser(parseThreshold)
        .default(parseThreshold(DEFAULT_THRESHOLD), DEFAULT_THRESHOLD),
    )
    .option('--top <n>', 'functions to list per benchmark (from per-function counts)', parseTop, 5)
    .option('--force', 'compare profiles of different programs anyway')
    .option('--format <format>', 'report format: text, markdown (PR comments, job summaries) or json', parseFormat, 'text' as ReportFormat)
    .option('--report <file>', 'write the report to FILE instead of standard output')
    .option('--no-color', 'no colour in the text report');
}

export function renderComparison(c: Comparison, opts: ReportOptions, stream: NodeJS.WriteStream): string {
  if (opts.format === 'json') return JSON.stringify(c, null, 2) + '\n';
  if (opts.format === 'markdown') return renderCompareMarkdown(c);
  return renderCompareText(c, { color: !opts.report && useColor(stream, opts.color) });
}

export function renderResults(rows: SummaryRow[], opts: ReportOptions, stream: NodeJS.WriteStream): string {
  if (opts.format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (opts.format === 'markdown') return renderResultsMarkdown(rows);
  return renderResultsText(rows, { color: !opts.report && useColor(stream, opts.color) });
}

/** Writes the report to --report FILE (atomically) or to standard output. */
export function emitReport(text: string, opts: ReportOptions): void {
  if (opts.report) writeOutput(opts.report, text);
  else process.stdout.write(text);
}
