/**
 * Symbolization benchmark: 50,000 distinct executed addresses spread over the code of 10
 * shared objects of this machine, in two images (processes) mapping them at different
 * addresses. Prints how long Symbolizer.forProfile takes (parsing every ELF file once,
 * demangling, resolving every address), cold and again with the ELF files cached.
 *
 *   npx tsc -p . && node dist/bench/symbolize.js [--addresses N]
 *
 * A report only: it exits 0 whatever the figure (the target is well under 2 s).
 */
import { existsSync } from 'node:fs';
import type { Profile } from '../src/profile.js';
import { Elf, PF_X, PT_LOAD } from '../src/symbols/elf.js';
import { Symbolizer } from '../src/symbols/index.js';

const LIBDIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64'];
const WANTED = [
  'libc.so.6',
  'libstdc++.so.6',
  'libm.so.6',
  'libcrypto.so.3',
  'libsqlite3.so.0',
  'libxml2.so.2',
  'libz.so.1',
  'libgcc_s.so.1',
  'libpython3.11.so.1.0',
  'libssl.so.3',
  'libLLVM-14.so.1',
  'libicuuc.so.72',
  'libperl.so.5.36',
  'ld-linux-x86-64.so.2',
];
const PAGE = 0x1000;

interface Obj {
  path: string;
  loads: { offset: number; vaddr: number; filesz: number; exec: boolean }[];
}

function objects(): Obj[] {
  const out: Obj[] = [];
  for (const name of WANTED) {
    const dir = LIBDIRS.find((d) => existsSync(`${d}/${name}`));
    if (!dir || out.length === 10) continue;
    try {
      const elf = Elf.open(`${dir}/${name}`);
      const loads = elf.segments
        .filter((p) => p.type === PT_LOAD)
        .map((p) => ({ offset: p.offset, vaddr: p.vaddr, filesz: p.filesz, exec: (p.flags & PF_X) !== 0 }));
      elf.close();
      if (loads.some((l) => l.exec)) out.push({ path: `${dir}/${name}`, loads });
    } catch {
      /* not usable here */
    }
  }
  return out;
}

/** A /proc/PID/maps text with every object loaded at its own base, from `first`. */
function maps(objs: Obj[], first: number): { text: string; bases: number[] } {
  let base = first;
  const lines: string[] = [];
  const bases: number[] = [];
  for (const [k, o] of objs.entries()) {
    bases.push(base);
    for (const l of o.loads) {
      const lo = base + l.vaddr - (l.vaddr % PAGE);
      const hi = Math.ceil((base + l.vaddr + l.filesz) / PAGE) * PAGE;
      const off = l.offset - (l.offset % PAGE);
      lines.push(`${lo.toString(16)}-${hi.toString(16)} r${l.exec ? '-x' : '--'}p ${off.toString(16).padStart(8, '0')} fe:00 ${k + 1} ${o.path}`);
    }
    const end = Math.max(...o.loads.map((l) => l.vaddr + l.filesz));
    base += Math.ceil((end + 0x10_0000) / 0x10_0000) * 0x10_0000;
  }
  return { text: lines.join('\n') + '\n', bases };
}

function main(): void {
  const arg = process.argv.indexOf('--addresses');
  const total = arg > 0 ? Number(process.argv[arg + 1]) : 50_000;
  const objs = objects();
  if (objs.length === 0) {
    console.error('bench/symbolize: no shared objects found');
    process.exit(1);
  }
  // Deterministic pseudo-random addresses inside each object's executable segments.
  let seed = 12345;
  const rand = () => {
    // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const images = [0x7f00_0000_0000, 0x7e00_0000_0000].map((first, id) => {
    const { text, bases } = maps(objs, first);
    const pcs = new Set<number>();
    const perImage = Math.ceil(total / 2);
    while (pcs.size < perImage) {
      const k = Math.floor(rand() * objs.length);
      const code = objs[k].loads.filter((l) => l.exec);
      const l = code[Math.floor(rand() * code.length)];
      pcs.add(bases[k] + l.vaddr + Math.floor(rand() * l.filesz));
    }
    const sorted = [...pcs].sort((a, b) => a - b);
    return { id, pid: 1000 + id, exe: objs[0].path, argv: [], fromExec: true, parent: null, instructions: sorted.length,
      maps: { start: '', exit: text }, vdso: null, pcs: sorted, counts: sorted.map(() => 1) };
  });
  const profile = { images } as unknown as Profile;
  const n = images.reduce((a, i) => a + i.pcs.length, 0);

  let t0 = performance.now();
  const cold = Symbolizer.forProfile(profile);
  void cold.then((sym) => {
    const coldMs = performance.now() - t0;
    let named = 0;
    for (const img of images) for (const pc of img.pcs) if (!sym.lookup(img.id, pc).func.includes('+0x')) named++;
    t0 = performance.now();
    void Symbolizer.forProfile(profile).then(() => {
      const warmMs = performance.now() - t0;
      console.log(`symbolize: ${n} distinct addresses in ${objs.length} objects, 2 images`);
      for (const o of objs) console.log(`  ${o.path}`);
      console.log(`  cold (parse ELF files + resolve): ${coldMs.toFixed(0)} ms`);
      console.log(`  warm (ELF files cached):         ${warmMs.toFixed(0)} ms`);
      console.log(`  named by a symbol: ${((100 * named) / n).toFixed(1)}%  (target: cold well under 2000 ms)`);
    });
  });
}

main();
