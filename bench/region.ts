/**
 * Region-mode benchmark: wall time of the setup+work program (test/fixtures/region_work.c)
 * uninstrumented, under a full trace, and under `--function work`.
 *
 *   npx tsc -p . && node dist/bench/region.js [--setup N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const setupArg = process.argv.indexOf('--setup');
const setup = setupArg > 0 ? Number(process.argv[setupArg + 1]) : 200000;
const dir = mkdtempSync(join(tmpdir(), 'stepcount-bench-region-'));
const bin = join(dir, 'region_work');
execFileSync('gcc', ['-O1', `-DSETUP=${setup}`, '-o', bin, join(root, 'test', 'fixtures', 'region_work.c')]);
const cli = join(root, 'bin', 'stepcount.js');

function timed(label: string, cmd: string, args: string[], profile?: string): void {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  let steps = '';
  if (profile) {
    const p = JSON.parse(readFileSync(profile, 'utf8')) as { totals: { instructions: number } };
    steps = `${p.totals.instructions.toLocaleString('en-US')} steps`;
  }
  console.log(`${label.padEnd(22)} ${ms.toFixed(1).padStart(10)} ms   ${steps}`);
}

console.log(`setup+work program: SETUP=${setup} (~${(6 * setup).toLocaleString('en-US')} instructions of setup), work() x 3`);
timed('uninstrumented', bin, []);
const full = join(dir, 'full.json');
const region = join(dir, 'region.json');
timed('stepcount --function', process.execPath, [cli, 'run', '-q', '-o', region, '--function', 'work', '--', bin], region);
timed('stepcount (full trace)', process.execPath, [cli, 'run', '-q', '-o', full, '--', bin], full);
