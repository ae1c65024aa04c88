// `stepcount report PROFILE`: re-render a saved profile, exactly as `run` printed it.
import { ensureAttribution } from '../attribution/ensure.js';
import { useColor } from '../color.js';
import { loadProfile } from '../load-profile.js';
import { checkOutputs, writeOutputs } from '../outputs.js';
import { renderReport } from '../report/index.js';
import { sectionsFor, wantsLines, type DisplayOptions } from './report-options.js';

export async function reportCommand(file: string, opts: DisplayOptions): Promise<void> {
  checkOutputs(opts);
  const profile = loadProfile(file);
  await ensureAttribution(profile, { lines: wantsLines(opts) });
  await writeOutputs(profile, profile.attribution!, opts);
  process.stdout.write(renderReport(profile, { color: useColor(process.stdout, opts.color), sections: sectionsFor(opts), top: opts.top }));
}
