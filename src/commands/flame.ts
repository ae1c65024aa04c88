// `stepcount flame PROFILE -o flame.html`: a self-contained HTML flame graph of a saved run.
import { ensureAttribution } from '../attribution/ensure.js';
import { toFlameHtml } from '../export/flame-html.js';
import { commandLine } from '../format.js';
import { loadProfile } from '../load-profile.js';
import { checkWritable, writeAtomic } from '../output-file.js';

export async function flameCommand(file: string, opts: { output: string }): Promise<void> {
  checkWritable(opts.output);
  const profile = loadProfile(file);
  await ensureAttribution(profile, { lines: false });
  writeAtomic(opts.output, toFlameHtml(profile.attribution!, `stepcount: ${commandLine(profile.argv)}`));
  process.stderr.write(`stepcount: wrote ${opts.output}\n`);
}
