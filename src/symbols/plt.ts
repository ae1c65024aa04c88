// Names for PLT stubs (.plt, .plt.sec, .plt.got, .iplt): each stub jumps through a GOT
// slot, and the relocation of that slot names the target ("puts@plt"). Lazy-binding stubs
// that only push a .rela.plt index are named from that index. Stubs that cannot be named
// (PLT0, unknown layouts) become "<object>@plt".
import type { Elf, Rela, Section } from './elf.js';
import type { SymbolCandidate } from './symbol-table.js';

const R_X86_64_GLOB_DAT = 6;
const R_X86_64_JUMP_SLOT = 7;
const R_X86_64_IRELATIVE = 37;
const PLT_SECTIONS = new Set(['.plt', '.plt.sec', '.plt.got', '.plt.bnd', '.iplt']);
const SHT_RELA = 4;

/** What a GOT slot will hold, as a symbol name. */
type SlotNamer = (r: Rela) => string | null;

/**
 * Decodes the first instruction of a stub (after endbr64 / bnd prefixes):
 * `jmp *disp(%rip)` gives the GOT slot, `push $imm` the .rela.plt index.
 */
function decodeStub(b: Buffer, o: number, end: number, addr: number): { got: number } | { index: number } | null {
  let p = o;
  if (p + 4 <= end && b[p] === 0xf3 && b[p + 1] === 0x0f && b[p + 2] === 0x1e && b[p + 3] === 0xfa) p += 4;
  if (p < end && b[p] === 0xf2) p += 1;
  if (p + 6 <= end && b[p] === 0xff && b[p + 1] === 0x25) return { got: addr + (p - o) + 6 + b.readInt32LE(p + 2) };
  if (p + 5 <= end && b[p] === 0x68) return { index: b.readUInt32LE(p + 1) };
  return null;
}

/**
 * Synthetic symbols for the PLT stubs of `elf`. `symbolAt` names a function by its address
 * (used for IRELATIVE slots, whose target is an IFUNC resolver).
 */
export function pltSymbols(elf: Elf, objectName: string, rank: number, symbolAt: (vaddr: number) => string | null): SymbolCandidate[] {
  const plts = elf.sections.filter((s) => PLT_SECTIONS.has(s.name) && s.size > 0 && s.addr > 0);
  if (plts.length === 0) return [];

  const byGot = new Map<number, string | null>();
  let jumpSlots: (string | null)[] = [];
  const symNames = new Map<number, string[]>();
  const namesOf = (rela: Section): string[] => {
    if (rela.link === 0 || !elf.sections[rela.link]) return [];
    let names = symNames.get(rela.link);
    if (!names) {
      names = elf.symbols(elf.sections[rela.link]).map((s) => s?.name ?? '');
      symNames.set(rela.link, names);
    }
    return names;
  };
  for (const rela of elf.sections.filter((s) => s.type === SHT_RELA && s.size > 0)) {
    const names = namesOf(rela);
    const slotName: SlotNamer = (r) => {
      if (r.type === R_X86_64_IRELATIVE) return symbolAt(r.addend);
      if (r.type !== R_X86_64_JUMP_SLOT && r.type !== R_X86_64_GLOB_DAT) return null;
      return names[r.sym] || null;
    };
    const relocs = elf.relocations(rela);
    for (const r of relocs) {
      const name = slotName(r);
      if (name !== null || !byGot.has(r.offset)) byGot.set(r.offset, name);
    }
    if (rela.name === '.rela.plt') jumpSlots = relocs.map(slotName);
  }

  const out: SymbolCandidate[] = [];
  for (const s of plts) {
    const b = elf.contents(s);
    const entsize = s.entsize > 0 ? s.entsize : s.name === '.plt.got' ? 8 : 16;
    for (let o = 0; o + entsize <= b.length; o += entsize) {
      const addr = s.addr + o;
      const stub = decodeStub(b, o, o + entsize, addr);
      let name: string | null = null;
      if (stub && 'got' in stub) name = byGot.get(stub.got) ?? null;
      else if (stub) name = jumpSlots[stub.index] ?? null;
      out.push({ start: addr, size: entsize, name: `${name ?? objectName}@plt`, rank, limit: s.addr + s.size });
    }
  }
  return out;
}
