// Syscall correlation: an strace -c style table with the user instructions that preceded each
// call, and the phases of the run as a timeline of instructions between syscalls.
import type { Phase, SyscallRow } from '../attribution-types.js';
import type { Profile } from '../profile.js';
import { errnoName, syscallName } from '../syscall-table.js';

export function syscallTable(p: Profile): SyscallRow[] {
  const rows = new Map<number, SyscallRow>();
  const last = new Map<number, number>();
  for (const [tid, nr, ret, threadIndex] of p.syscalls.records) {
    const row = rows.get(nr) ?? { name: syscallName(nr), nr, calls: 0, errors: 0, instructionsBefore: 0 };
    row.calls++;
    if (errnoName(ret)) row.errors++;
    row.instructionsBefore += threadIndex - (last.get(tid) ?? 0);
    last.set(tid, threadIndex);
    rows.set(nr, row);
  }
  return [...rows.values()].sort((a, b) => b.instructionsBefore - a.instructionsBefore || b.calls - a.calls);
}

/**
 * The main thread of the root process as a timeline: the instructions run between its
 * syscalls, with consecutive short stretches merged so each phase holds at least `minShare`
 * of that thread's instructions.
 */
export function phases(p: Profile, minShare = 0.02): Phase[] {
  const root = p.processes[0];
  const main = root?.threads.find((t) => t.tid === root.pid);
  if (!root || !main) return [];
  const recs = p.syscalls.records.filter((r) => r[0] === main.tid);
  const gaps: { from: string; to: string; instructions: number }[] = [];
  let prevIndex = 0;
  let prevName = 'start';
  for (const [, nr, , threadIndex] of recs) {
    const name = syscallName(nr);
    if (threadIndex === 0) {
      prevName = name; // the execve that started the program: nothing ran before it
      continue;
    }
    gaps.push({ from: prevName, to: name, instructions: threadIndex - prevIndex });
    prevIndex = threadIndex;
    prevName = name;
  }
  if (main.instructions > prevIndex) gaps.push({ from: prevName, to: p.complete ? 'end' : 'interrupted', instructions: main.instructions - prevIndex });

  const min = Math.max(1, main.instructions * minShare);
  const out: Phase[] = [];
  let acc: { from: string; to: string; instructions: number; syscalls: number } | undefined;
  for (const g of gaps) {
    acc = acc ? { ...acc, to: g.to, instructions: acc.instructions + g.instructions, syscalls: acc.syscalls + 1 } : { ...g, syscalls: 1 };
    if (acc.instructions >= min) {
      out.push(toPhase(acc));
      acc = undefined;
    }
  }
  if (acc) out.push(toPhase(acc));
  return out;
}

function toPhase(a: { from: string; to: string; instructions: number; syscalls: number }): Phase {
  const name = a.syscalls === 1 ? `${a.from} → ${a.to}` : `${a.from} → … → ${a.to}`;
  return { name, instructions: a.instructions, syscalls: a.syscalls };
}
