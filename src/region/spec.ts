// What the region mode counts: functions (globs), a --start-at/--stop-at span, in-program
// markers (include/stepcount.h). Shared by the resolver, the pre-check and the CLI.

export interface RegionSpec {
  /** Count only inside these functions (globs over symbol names, raw or demangled). */
  functions: string[];
  /** Step from the first hit of this symbol ... */
  startAt?: string;
  /** ... to the first hit of this one (or to the end). */
  stopAt?: string;
  /** Count only between stepcount_start() / stepcount_stop() (include/stepcount.h). */
  markers: boolean;
}

/** Symbols of include/stepcount.h. */
export const MARK_START = 'stepcount_start_marker';
export const MARK_STOP = 'stepcount_stop_marker';
/** ld.so calls it after every change to the list of loaded objects (gdb's r_brk). */
export const RENDEZVOUS = '_dl_debug_state';

export function isRegionSpecActive(s: RegionSpec | undefined): s is RegionSpec {
  return !!s && (s.functions.length > 0 || !!s.startAt || !!s.stopAt || s.markers);
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A symbol's names to match a pattern against: raw, demangled, demangled without parameters. */
export function matchNames(raw: string, demangled: string): string[] {
  if (demangled === raw) return [raw];
  const paren = demangled.indexOf('(');
  return paren > 0 ? [raw, demangled, demangled.slice(0, paren)] : [raw, demangled];
}
