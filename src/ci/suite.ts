// Reading a benchmark suite: a JSON file, or a JS module (.js/.mjs/.cjs) whose default export
// is the same object. Validated against SUITE_SCHEMA; errors name the entry and the field.
import { Ajv, type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, EXIT } from '../errors.js';
import { SUITE_SCHEMA } from './suite-schema.js';
import { CI_EXIT } from './status.js';

export type EnvSpec = Record<string, string | null>;

export interface BenchmarkSpec {
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  env?: EnvSpec;
  stdin?: string;
  function?: string;
  exitStatus?: number;
}

export interface Suite {
  file: string;
  /** Directory of the suite file: relative `cwd`s start here. */
  dir: string;
  env?: EnvSpec;
  benchmarks: BenchmarkSpec[];
}

const validate = new Ajv({ allErrors: true, strict: true }).compile(SUITE_SCHEMA);

/** Of all schema errors, the most telling: a misspelt field before the missing one it causes. */
function firstError(errors: ErrorObject[]): ErrorObject {
  return errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.propertyName !== undefined) ?? errors[0]!;
}

async function readSuite(file: string): Promise<unknown> {
  const abs = path.resolve(file);
  if (/\.(c|m)?js$/.test(file)) {
    try {
      readFileSync(abs); // one clear "cannot read" error, before import's longer one
    } catch (e) {
      throw new CliError(`cannot read suite ${file}: ${(e as Error).message}`, EXIT.noInput);
    }
    try {
      const mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
      return mod.default ?? mod;
    } catch (e) {
      throw new CliError(`cannot load suite ${file}: ${(e as Error).message.split('\n')[0]}`, EXIT.dataErr);
    }
  }
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read suite ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, EXIT.noInput);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not a valid suite: not valid JSON (${(e as Error).message})`, EXIT.dataErr);
  }
}

/** "benchmark #2 "parse": field "args[0]": must be string" from ajv's first error. */
export function describeSchemaError(data: unknown, err: ErrorObject): string {
  const parts = err.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let where = 'suite file';
  let rest = parts;
  if (parts[0] === 'benchmarks' && parts.length > 1) {
    const i = Number(parts[1]);
    const entry = (data as { benchmarks: unknown[] }).benchmarks[i] as { name?: unknown } | undefined;
    where = `benchmark #${i + 1}${typeof entry?.name === 'string' ? ` "${entry.name}"` : ''}`;
    rest = parts.slice(2);
  }
  const field = rest.map((p, k) => (/^\d+$/.test(p) ? `[${p}]` : k ? `.${p}` : p)).join('');
  const p = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') {
    const name = field ? `${field}.${String(p.additionalProperty)}` : String(p.additionalProperty);
    return `${where}: unknown field "${name}"`;
  }
  if (err.keyword === 'required') return `${where}: missing field "${field ? `${field}.` : ''}${String(p.missingProperty)}"`;
  if (err.propertyName !== undefined) return `${where}: field "${field}": bad variable name "${err.propertyName}" (no "=" allowed)`;
  const message = err.keyword === 'type' ? `must be ${[p.type].flat().join(' or ')}` : (err.message ?? 'is invalid');
  return `${where}: ${field ? `field "${field}": ` : ''}${message}`;
}

/** Checks a parsed suite; throws a one-line CliError naming the entry and the field. */
export function checkSuite(data: unknown, file: string): asserts data is { env?: EnvSpec; benchmarks: BenchmarkSpec[] } {
  if (!validate(data)) throw new CliError(`${file}: ${describeSchemaError(data, firstError(validate.errors!))}`, EXIT.dataErr);
  const seen = new Set<string>();
  for (const b of (data as { benchmarks: BenchmarkSpec[] }).benchmarks) {
    if (seen.has(b.name)) throw new CliError(`${file}: duplicate benchmark name "${b.name}" (names must be unique)`, EXIT.dataErr);
    seen.add(b.name);
  }
}

export async function loadSuite(file: string): Promise<Suite> {
  const data = await readSuite(file);
  checkSuite(data, file);
  return { file, dir: path.dirname(path.resolve(file)), env: data.env, benchmarks: data.benchmarks };
}

/** --filter REGEX: the benchmarks whose name matches (an error if none does). */
export function filterBenchmarks(benchmarks: BenchmarkSpec[], filter: string | undefined): BenchmarkSpec[] {
  if (filter === undefined) return benchmarks;
  let re: RegExp;
  try {
    re = new RegExp(filter);
  } catch (e) {
    throw new CliError(`--filter: invalid regular expression: ${(e as Error).message}`, EXIT.usage);
  }
  const picked = benchmarks.filter((b) => re.test(b.name));
  if (picked.length === 0) {
    const names = benchmarks.map((b) => b.name);
    throw new CliError(`--filter ${filter} matches no benchmark (names: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`, EXIT.usage);
  }
  return picked;
}
