// --export FORMAT FILE: results in the formats of common benchmark trackers.
//   bmf                      Bencher Metric Format: {"<name>": {"instructions": {"value": N}}}
//                            (+ lower_value/upper_value = min/max with --runs > 1)
//   github-action-benchmark  customSmallerIsBetter: [{"name", "unit": "instructions", "value"}]
//                            (+ "extra" with min/median/max with --runs > 1)
//   json                     the native results file (as written by -o)
import { CliError, EXIT } from '../errors.js';
import { checkWritable } from '../output-file.js';
import { writeOutput } from './write-file.js';
import { serializeResults, type ResultsFile } from './results.js';

export const EXPORT_FORMATS = ['bmf', 'github-action-benchmark', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export interface ExportTarget {
  format: ExportFormat;
  file: string;
}

export type Bmf = Record<string, { instructions: { value: number; lower_value?: number; upper_value?: number } }>;
export interface GabEntry {
  name: string;
  unit: 'instructions';
  value: number;
  extra?: string;
}

export function toBmf(r: ResultsFile): Bmf {
  const out: Bmf = {};
  for (const s of r.summary) {
    out[s.name] = { instructions: s.runs > 1 ? { value: s.instructions, lower_value: s.min, upper_value: s.max } : { value: s.instructions } };
  }
  return out;
}

export function toGithubActionBenchmark(r: ResultsFile): GabEntry[] {
  return r.summary.map((s) => ({
    name: s.name,
    unit: 'instructions',
    value: s.instructions,
    ...(s.runs > 1 ? { extra: `${s.runs} runs: min ${s.min}, median ${s.median}, max ${s.max}` } : {}),
  }));
}

export function renderExport(format: ExportFormat, r: ResultsFile): string {
  if (format === 'json') return serializeResults(r);
  return JSON.stringify(format === 'bmf' ? toBmf(r) : toGithubActionBenchmark(r), null, 2) + '\n';
}

/** Pairs from the variadic `--export FORMAT FILE [FORMAT FILE ...]` option, checked up front. */
export function parseExports(values: string[] | undefined): ExportTarget[] {
  const v = values ?? [];
  if (v.length % 2) throw new CliError(`--export takes a format and a file (e.g. --export bmf bmf.json), got: ${v.join(' ')}`, EXIT.usage);
  const out: ExportTarget[] = [];
  for (let i = 0; i < v.length; i += 2) {
    const format = v[i] as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new CliError(`--export: unknown format "${v[i]}" (use ${EXPORT_FORMATS.join(', ')})`, EXIT.usage);
    checkWritable(v[i + 1]!);
    out.push({ format, file: v[i + 1]! });
  }
  return out;
}

export function writeExports(targets: ExportTarget[], r: ResultsFile): void {
  for (const t of targets) writeOutput(t.file, renderExport(t.format, r));
}

export const EXPORT_OPTION_HELP = `also write the results as FORMAT to FILE (${EXPORT_FORMATS.join(', ')}); repeatable`;
