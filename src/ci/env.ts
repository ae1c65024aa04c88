// The environment of a traced command. Every variable changes the count (the kernel copies
// it onto the stack, libc scans it), so it is a benchmark input like argv:
// - `run` passes stepcount's environment through, unless --env-clear / --env K=V say otherwise;
// - a suite entry starts from a cleared environment plus SUITE_BASE_ENV, then the suite's and
//   the entry's own `env` (a null value removes a variable).
import { InvalidArgumentError } from 'commander';

export type Env = Record<string, string>;

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** What a suite entry gets before its own `env`; PATH and HOME come from stepcount's environment. */
export function suiteBaseEnv(parent: NodeJS.ProcessEnv = process.env): Env {
  return { PATH: parent.PATH || DEFAULT_PATH, HOME: parent.HOME || '/', LANG: 'C', TZ: 'UTC' };
}

export function checkEnvName(name: string): void {
  if (name === '' || name.includes('=') || name.includes('\0')) {
    throw new InvalidArgumentError(`bad environment variable name "${name}" (expected NAME=VALUE or NAME)`);
  }
}

/** Commander collector for repeatable `--env NAME=VALUE` / `--env NAME` (copy from stepcount's environment). */
export function collectEnvOption(value: string, previous: string[] | undefined): string[] {
  const eq = value.indexOf('=');
  checkEnvName(eq < 0 ? value : value.slice(0, eq));
  if (value.includes('\0')) throw new InvalidArgumentError('environment values cannot contain NUL');
  return [...(previous ?? []), value];
}

export interface EnvOptions {
  /** --env-clear: start from an empty environment. */
  envClear?: boolean;
  /** --env entries: "NAME=VALUE" sets, "NAME" copies the variable from stepcount's environment. */
  env?: string[];
}

/** The environment for `run`: undefined (pass stepcount's through, unchanged) unless asked otherwise. */
export function buildEnv(opts: EnvOptions, parent: NodeJS.ProcessEnv = process.env): Env | undefined {
  if (!opts.envClear && !opts.env?.length) return undefined;
  const env: Env = {};
  if (!opts.envClear) for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  for (const item of opts.env ?? []) {
    const eq = item.indexOf('=');
    if (eq >= 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    else if (parent[item] !== undefined) env[item] = parent[item]!;
  }
  return env;
}

/** The environment of a suite entry: base set, then suite-wide and entry `env` (null removes). */
export function suiteEnv(layers: (Record<string, string | null> | undefined)[], parent: NodeJS.ProcessEnv = process.env): Env {
  const env = suiteBaseEnv(parent);
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
  }
  return env;
}
