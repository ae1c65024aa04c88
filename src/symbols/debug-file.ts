// Separate debug files (what distributions ship in -dbg / -dbgsym packages): found through
// the GNU build-id or the .gnu_debuglink section, in the places gdb looks.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { cstr, type Elf } from './elf.js';

export const DEBUG_ROOT = '/usr/lib/debug';

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Path of the separate debug file of `elf` (loaded from `file`), or null. */
export function findDebugFile(elf: Elf, file: string): string | null {
  const self = real(file);
  const candidates: string[] = [];
  const id = elf.buildId();
  if (id.length > 2) candidates.push(path.join(DEBUG_ROOT, '.build-id', id.slice(0, 2), `${id.slice(2)}.debug`));
  const link = elf.section('.gnu_debuglink');
  if (link) {
    const name = cstr(elf.contents(link), 0);
    if (name && !name.includes('/')) {
      for (const dir of new Set([path.dirname(file), path.dirname(self)])) {
        candidates.push(path.join(dir, name), path.join(dir, '.debug', name), path.join(DEBUG_ROOT, dir, name));
      }
    }
  }
  for (const c of candidates) {
    if (existsSync(c) && real(c) !== self) return c;
  }
  return null;
}
