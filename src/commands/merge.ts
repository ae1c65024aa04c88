// `stepcount merge A.json B.json ... -o ALL.json`: one results file from the shards of a suite.
import type { Command } from 'commander';
import { parseExports, writeExports, EXPORT_OPTION_HELP } from '../ci/export.js';
import { mergeResults } from '../ci/merge.js';
import { serializeResults, type ResultsFile } from '../ci/results.js';
import { checkWritable } from '../output-file.js';
import { writeOutput } from '../ci/write-file.js';

export interface MergeOptions {
  output: string;
  export?: string[];
}

export function mergeCommand(files: string[], opts: MergeOptions): ResultsFile {
  checkWritable(opts.output);
  const exports = parseExports(opts.export);
  const merged = mergeResults(files);
  writeOutput(opts.output, serializeResults(merged));
  writeExports(exports, merged);
  return merged;
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('merge results files of a suite sharded across CI jobs (duplicate names are an error)')
    .argument('<results...>', 'results files written by stepcount bench -o')
    .requiredOption('-o, --output <file>', 'merged results file to write')
    .option('--export <format-and-file...>', EXPORT_OPTION_HELP)
    .exitOverride()
    .action((files: string[], opts: MergeOptions) => {
      mergeCommand(files, opts);
    });
}
