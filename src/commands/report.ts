// `stepcount report PROFILE`: re-render a saved profile, exactly as `run` printed it.
import { useColor } from '../color.js';
import { loadProfile } from '../load-profile.js';
import { renderSummary } from '../report/summary.js';

export interface ReportOptions {
  color?: boolean;
}

export function reportCommand(file: string, opts: ReportOptions): void {
  const profile = loadProfile(file);
  process.stdout.write(renderSummary(profile, { color: useColor(process.stdout, opts.color) }));
}
