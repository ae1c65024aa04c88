// Reading a saved profile back (for `stepcount report`), with one-line errors for bad input.
import { readFileSync } from 'node:fs';
import { CliError, EXIT } from './errors.js';
import { SCHEMA_VERSION, type Profile } from './profile.js';

/** Reads and parses a JSON input file; one-line CliErrors name the problem (`what`: "profile",
 * "results file", ...) and, where given, the fix. */
export function readJsonFile(file: string, what: string, notJson: string, fix = ''): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new CliError(`cannot read ${what} ${file}: ${why}${fix ? ` (${fix})` : ''}`, EXIT.noInput);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not ${notJson}: not valid JSON${fix ? ` (${fix})` : ''}`, EXIT.dataErr);
  }
}

export function loadProfile(file: string): Profile {
  const data = readJsonFile(file, 'profile', 'a stepcount profile', `write one with: stepcount run -o ${file} -- CMD`);
  const p = data as Partial<Profile> | null;
  if (!p || typeof p !== 'object' || p.tool?.name !== 'stepcount' || typeof p.schema !== 'number') {
    throw new CliError(`${file} is not a stepcount profile (was it written by stepcount run -o?)`, EXIT.dataErr);
  }
  if (p.schema !== SCHEMA_VERSION) {
    throw new CliError(`${file} has profile schema ${p.schema}; this stepcount reads schema ${SCHEMA_VERSION} (use a matching stepcount version)`, EXIT.dataErr);
  }
  return p as Profile;
}
