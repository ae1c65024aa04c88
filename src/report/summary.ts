// The summary report: totals, then processes and their threads. A pure function of a profile.
import { Chalk } from 'chalk';
import { commandLine, duration, int, percent, table } from '../format.js';
import type { ExitInfo, Profile } from '../profile.js';

export interface RenderOptions {
  color: boolean;
}

function exitText(e: ExitInfo | null): string {
  if (!e) return 'running';
  if (e.signal !== null) return `signal ${e.signal}${e.coreDumped ? ' (core)' : ''}`;
  return String(e.code);
}

function exitStatusText(p: Profile): string {
  if (p.attached?.detached) return 'none (detached; the process kept running)';
  if (p.exit.status === null) return 'none (interrupted)';
  const how = exitText(p.exit);
  return how === String(p.exit.status) ? how : `${p.exit.status} (${how})`;
}

export function renderSummary(p: Profile, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const t = p.totals;
  const out: string[] = [];
  out.push(c.bold(`stepcount: ${commandLine(p.argv)}`));
  if (!p.complete) out.push(c.yellow('  incomplete: the trace was interrupted; counts cover what ran until then'));
  for (const w of p.warnings) out.push(c.yellow(`  warning: ${w}`));
  const rows: [string, string][] = [
    ['instructions', c.bold(int(t.instructions))],
    ['syscalls', int(t.syscalls)],
    ['processes', `${int(t.processes)}   threads ${int(t.threads)}`],
    ['wall time', `${duration(p.wallTimeMs)}   (${int(t.stepsPerSecond)} steps/s)`],
    ['exit status', exitStatusText(p)],
  ];
  for (const [k, v] of rows) out.push(`  ${k.padEnd(14)}${v}`);

  out.push('');
  const head = ['pid', 'instructions', '%', 'syscalls', 'exit', 'command'];
  const body: string[][] = [head];
  for (const proc of p.processes) {
    body.push([
      String(proc.pid),
      int(proc.instructions),
      percent(proc.instructions, t.instructions),
      int(proc.syscalls),
      exitText(proc.exit),
      commandLine(proc.argv),
    ]);
    if (proc.threads.length > 1) {
      for (const th of proc.threads) {
        body.push([`  tid ${th.tid}`, int(th.instructions), percent(th.instructions, t.instructions), int(th.syscalls), '', '']);
      }
    }
  }
  const lines = table(body, [false, true, true, true, true, false]);
  out.push(c.dim(lines[0]!), ...lines.slice(1));
  return out.join('\n') + '\n';
}
