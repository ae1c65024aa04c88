// The extra output files of `run` and `report` (--folded, --speedscope, --pprof): checked
// before any work starts, written atomically at the end.
import type { Attribution } from './attribution-types.js';
import type { DisplayOptions } from './commands/report-options.js';
import { toFolded } from './export/folded.js';
import { toPprof } from './export/pprof.js';
import { toSpeedscope } from './export/speedscope.js';
import { commandLine } from './format.js';
import { checkWritable, writeAtomic } from './output-file.js';
import type { Profile } from './profile.js';

export function checkOutputs(o: DisplayOptions & { output?: string }): void {
  for (const f of [o.output, o.folded, o.speedscope, o.pprof]) if (f) checkWritable(f);
}

export async function writeOutputs(p: Profile, a: Attribution, o: DisplayOptions): Promise<void> {
  if (o.folded) writeAtomic(o.folded, toFolded(a));
  if (o.speedscope) writeAtomic(o.speedscope, toSpeedscope(a, commandLine(p.argv)));
  if (o.pprof) writeAtomic(o.pprof, await toPprof(a, {
        timeNanos: Date.parse(p.startTime) * 1e6,
        durationNanos: Math.round(p.wallTimeMs * 1e6),
        comments: [`stepcount: ${commandLine(p.argv)}`, 'sample value: exact instruction counts'],
      }));
}
