// Named baselines: results files kept in a directory (default .stepcount/) as NAME.json, so a
// CI job can save one on the base branch and compare against it on a pull request.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../errors.js';
import { writeAtomic } from '../output-file.js';
import { loadResults, serializeResults, type ResultsFile } from './results.js';

export const DEFAULT_BASELINE_DIR = '.stepcount';

/** NAME may be a branch name like release/1.2 (stored in a subdirectory), never leave the directory. */
export function baselinePath(dir: string, name: string): string {
  const parts = name.split('/');
  if (!name || !/^[\w.+/-]+$/.test(name) || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new CliError(`bad baseline name "${name}" (use letters, digits, . _ - + and / between parts)`, EXIT.usage);
  }
  return path.join(dir, `${name}.json`);
}

export function loadBaseline(dir: string, name: string): ResultsFile {
  const file = baselinePath(dir, name);
  try {
    return loadResults(file);
  } catch (e) {
    if (e instanceof CliError && e.status === EXIT.noInput) {
      throw new CliError(`no baseline "${name}" in ${dir}/ (save one first with: stepcount bench SUITE --save-baseline ${name})`, EXIT.noInput);
    }
    throw e;
  }
}

export function saveBaseline(dir: string, name: string, r: ResultsFile): string {
  const file = baselinePath(dir, name);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create baseline directory ${path.dirname(file)}: ${(e as Error).message}`, EXIT.cantCreate);
  }
  writeAtomic(file, serializeResults(r));
  return file;
}
