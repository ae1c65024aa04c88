// Files written by any traced process, from the paths the engine read at each open-for-write,
// creat, rename/link target and truncate.
import path from 'node:path';
import type { FileWritten } from '../attribution-types.js';
import type { Profile } from '../profile.js';
import { errnoName, syscallName } from '../syscall-table.js';

export function filesWritten(p: Profile): FileWritten[] {
  const pidOf = new Map<number, number>();
  for (const proc of p.processes) for (const t of proc.threads) pidOf.set(t.tid, proc.pid);
  const seen = new Set<string>();
  const out: FileWritten[] = [];
  for (const f of p.files ?? []) {
    const rec = p.syscalls.records[f.syscall];
    if (!rec) continue;
    const row: FileWritten = {
      path: path.posix.normalize(f.path),
      pid: pidOf.get(rec[0]) ?? rec[0],
      syscall: syscallName(rec[1]),
      result: errnoName(rec[2]) ?? 'ok',
    };
    const key = `${row.path}\0${row.pid}\0${row.syscall}\0${row.result}`;
    if (!seen.has(key)) out.push(row);
    seen.add(key);
  }
  return out;
}
