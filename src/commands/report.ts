// `stepcount report PROFILE`: re-render a saved profile, exactly as `run` printed it.
import { ensureAttribution } from '../attribution/ensure.js';
import { useColor } from '../color.js';
import { loadProfile } from '../load-profile.js';
import { checkOutputs, writeOutputs } from '../outputs.js';
import { DEFAULT_SECTIONS, renderReport } from '../report/index.js';
import type { DisplayOptions } from './report-options.js';

export async function reportCommand(file: string, opts: DisplayOptions): Promise<void> {
  checkOutputs(opts);
  const profile = loadProfile(file);
  await ensureAttribution(profile, { lines: Boolean(opts.lines) || Boolean(opts.by?.includes('line')) });
  await writeOutputs(profile, profile.attribution!, opts);
  const sections = opts.by ?? (opts.lines ? [...DEFAULT_SECTIONS.slice(0, 2), 'line' as const, ...DEFAULT_SECTIONS.slice(2)] : DEFAULT_SECTIONS);
  process.stdout.write(renderReport(profile, { color: useColor(process.stdout, opts.color), sections, top: opts.top }));
}
