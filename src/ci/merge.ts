// Merging results of a suite sharded across CI jobs. Duplicate names are an error: the
// shards overlapped, and which count is right cannot be known.
import { CliError, EXIT } from '../errors.js';
import { loadResults, makeResults, type BenchResult, type ResultsFile } from './results.js';

export function mergeResults(files: string[], load: (f: string) => ResultsFile = loadResults): ResultsFile {
  if (files.length === 0) throw new CliError('merge: no results files given', EXIT.usage);
  const seen = new Map<string, string>();
  const all: BenchResult[] = [];
  for (const file of files) {
    for (const b of load(file).benchmarks) {
      const first = seen.get(b.name);
      if (first !== undefined) {
        throw new CliError(`duplicate benchmark "${b.name}" in ${first} and ${file} (shards must run different benchmarks: check their --filter)`, EXIT.dataErr);
      }
      seen.set(b.name, file);
      all.push(b);
    }
  }
  return makeResults(all);
}
