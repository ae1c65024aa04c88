// What makes two profiles comparable. Counts depend on more than the code: the environment
// (each variable costs /bin/true ~430 instructions), argv (the program path's spelling),
// cwd, the CPU (libc picks routines by CPU features) and ASLR. compare refuses what would give
// a wrong number (incomplete traces, other programs) and names every other input that differs.
import { commandLine } from '../format.js';
import type { Profile } from '../profile.js';

export interface InputCheck {
  /** Reasons the pair cannot be compared at all. */
  errors: string[];
  /** Inputs that differ: the counts compare, but part of the delta may come from these. */
  differ: string[];
}

const short = (s: string, n = 60) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export function checkInputs(base: Profile, now: Profile, opts: { force?: boolean } = {}): InputCheck {
  const errors: string[] = [];
  const differ: string[] = [];
  if (base.schema !== now.schema) errors.push(`profile schemas differ (${base.schema} vs ${now.schema})`);
  if (!base.complete) errors.push('the base profile is incomplete (its trace was interrupted)');
  if (!now.complete) errors.push('the new profile is incomplete (its trace was interrupted)');
  if (base.command !== now.command) {
    const what = `different programs (${base.command} vs ${now.command})`;
    if (opts.force) differ.push(`command: ${base.command} vs ${now.command}`);
    else errors.push(`${what}; use --force to compare them anyway`);
  }
  if (commandLine(base.argv) !== commandLine(now.argv)) {
    differ.push(`argv: ${short(commandLine(base.argv))} vs ${short(commandLine(now.argv))}`);
  }
  if (base.cwd !== now.cwd) differ.push(`cwd: ${base.cwd} vs ${now.cwd}`);
  if (base.env.sha256 !== now.env.sha256) {
    differ.push(`environment: ${base.env.count} vs ${now.env.count} variables${base.env.count === now.env.count ? ', different values' : ''} (sha256 ${base.env.sha256.slice(0, 8)} vs ${now.env.sha256.slice(0, 8)})`);
  }
  if (base.host?.cpu !== now.host?.cpu) differ.push(`CPU: ${base.host?.cpu} vs ${now.host?.cpu} (libc may select other routines)`);
  if (base.host?.kernel !== now.host?.kernel) differ.push(`kernel: ${base.host?.kernel} vs ${now.host?.kernel} (the vDSO may differ)`);
  if (base.aslr || now.aslr) differ.push(`ASLR was on in the ${base.aslr && now.aslr ? 'base and new' : base.aslr ? 'base' : 'new'} profile (counts may vary run to run)`);
  if (base.options?.follow !== now.options?.follow) differ.push(`child processes traced: ${base.options?.follow} vs ${now.options?.follow}`);
  return { errors, differ };
}
