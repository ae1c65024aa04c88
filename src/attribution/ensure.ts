// Makes sure a profile carries the attribution a report needs (computed at record time;
// recomputed for old profiles or when source lines are asked for later).
import type { Profile } from '../profile.js';
import { buildAttribution } from './build.js';

export async function ensureAttribution(p: Profile, opts: { lines: boolean }): Promise<void> {
  if (p.attribution && (!opts.lines || p.attribution.lines !== null)) return;
  p.attribution = await buildAttribution(p, { lines: opts.lines });
}
