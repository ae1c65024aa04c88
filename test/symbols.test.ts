// Symbolization of real traces: one recording of sym_prog (dynamic, -O0 -g) that dlopens a
// stripped library and runs a stripped static binary and a static C++ binary, reused by
// every test. Plus the pure parts (demangling, maps, ELF checks) on their own.
import { execFile as execFileCb } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImageProfile, Profile } from '../src/profile.js';
import { demangleAll } from '../src/symbols/demangle.js';
import { Elf } from '../src/symbols/elf.js';
import { demangleRustLegacy, sourceLines, Symbolizer, type Location } from '../src/symbols/index.js';
import { AddressSpace } from '../src/symbols/maps.js';
import { loadObject } from '../src/symbols/objects.js';
import { parseVdso } from '../src/symbols/vdso.js';
import { hasCommand, record } from './helpers/cli.js';
import { buildFixture, cacheDir, fixturesDir } from './helpers/fixtures.js';

const execFile = promisify(execFileCb);

/**
 * Runs `tool args... -o OUT SRC` (then `strip` if asked) into a cache directory keyed by the
 * command and the source text; returns OUT, whose basename is `name`.
 */
async function compile(name: string, tool: string, src: string, args: string[], strip = false): Promise<string> {
  const file = path.join(fixturesDir, src);
  const key = createHash('sha256')
    .update([tool, ...args, String(strip)].join('\0'))
    .update(readFileSync(file))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(cacheDir, `sym-${key}`);
  const out = path.join(dir, name);
  try {
    if (statSync(out).isFile()) return out;
  } catch {
    /* build it */
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await execFile(tool, [...args, '-o', tmp, file]);
  if (strip) await execFile('strip', [tmp]);
  renameSync(tmp, out);
  return out;
}

interface Trace {
  profile: Profile;
  sym: Symbolizer;
  prog: string;
  lib: string;
  stripped: string;
  cxx: string;
}

let traced: Promise<Trace> | undefined;

function trace(): Promise<Trace> {
  traced ??= (async () => {
    const [prog, lib, stripped, cxx] = await Promise.all([
      compile('sym_prog', 'gcc', 'sym_prog.c', ['-O0', '-g']),
      compile('libsym.so', 'gcc', 'sym_lib.c', ['-O0', '-g', '-shared', '-fPIC'], true),
      compile('sym_prog_stripped', 'gcc', 'sym_prog.c', ['-O0', '-static', '-DNO_DLOPEN'], true),
      compile('sym_cxx', 'g++', 'sym_cxx.cpp', ['-O0', '-g', '-static']),
    ]);
    const { profile, result } = record([prog, '--dlopen', lib, stripped, cxx]);
    assert.is(result.status, 0, result.stderr);
    const sym = await Symbolizer.forProfile(profile);
    return { profile, sym, prog, lib, stripped, cxx };
  })();
  return traced;
}

/** The image that ran `exe` from its start (not a forked copy). */
function imageOf(t: Trace, exe: string): ImageProfile {
  const img = t.profile.images.find((i) => i.exe === exe && i.fromExec);
  if (!img) throw new Error(`no image for ${exe}`);
  return img;
}

function locations(t: Trace, img: ImageProfile): Location[] {
  return img.pcs.map((pc) => t.sym.lookup(img.id, pc));
}

function funcsIn(locs: Location[], object: string): Set<string> {
  return new Set(locs.filter((l) => l.object === object).map((l) => l.func));
}

function lineRange(src: string, header: RegExp): [number, number] {
  const lines = readFileSync(path.join(fixturesDir, src), 'utf8').split('\n');
  const first = lines.findIndex((l) => header.test(l));
  const last = lines.findIndex((l, i) => i > first && l.startsWith('}'));
  assert.ok(first >= 0 && last > first, `${header} in ${src}`);
  return [first + 1, last + 1];
}

test('every executed address of every image is in a known object', async () => {
  const t = await trace();
  assert.ok(t.profile.images.length >= 5, 'root, two forked copies and two exec images');
  for (const img of t.profile.images) {
    for (const loc of locations(t, img)) {
      assert.is.not(loc.object, '[unknown]', `image ${img.id} ${img.exe}: ${loc.func}`);
      if (loc.funcStart >= 0) assert.ok(loc.funcStart <= loc.vaddr, `${loc.func} starts after ${loc.vaddr}`);
    }
  }
});

test('the -g binary: its own code maps to main, a and b', async () => {
  const t = await trace();
  const locs = locations(t, imageOf(t, t.prog));
  const own = funcsIn(locs, 'sym_prog');
  for (const f of ['main', 'a', 'b', '_start']) assert.ok(own.has(f), `sym_prog has ${f}: ${[...own].join(' ')}`);
  const a = locs.find((l) => l.func === 'a')!;
  assert.is(a.objectPath, t.prog);
  // Symbols are object-relative: the executable's nm address of `a` (PIE: no load bias).
  const { stdout } = await execFile('nm', [t.prog]);
  const nmA = /^([0-9a-f]+) T a$/m.exec(stdout);
  assert.ok(nmA);
  assert.is(a.funcStart, parseInt(nmA[1], 16));
});

test('libc and ld.so addresses carry real names', async () => {
  const t = await trace();
  const locs = locations(t, imageOf(t, t.prog));
  const libc = funcsIn(locs, 'libc.so.6');
  assert.ok(libc.has('exit'), 'exit');
  assert.ok(libc.has('__libc_start_main') || libc.has('__libc_start_call_main'), '__libc_start_main');
  assert.ok(locs.find((l) => l.object === 'libc.so.6')!.objectPath.endsWith('/libc.so.6'));
  const ld = [...funcsIn(locs, 'ld-linux-x86-64.so.2')];
  assert.ok(ld.length > 10);
  assert.ok(ld.filter((f) => !f.includes('+0x')).length > ld.length / 2, 'ld.so is mostly named');
});

test('PLT stubs are named after their targets', async () => {
  const t = await trace();
  const own = funcsIn(locations(t, imageOf(t, t.prog)), 'sym_prog');
  for (const f of ['clock_gettime@plt', 'printf@plt', 'dlopen@plt']) assert.ok(own.has(f), `${f}: ${[...own].join(' ')}`);
});

test('[vdso]: symbols from the saved bytes', async () => {
  const t = await trace();
  const img = imageOf(t, t.prog);
  assert.ok(img.vdso);
  const names = parseVdso(img.vdso).object.symbols.names;
  assert.ok(names.some((n) => n === 'clock_gettime' || n === '__vdso_clock_gettime'), names.join(' '));
  const inVdso = locations(t, img).filter((l) => l.object === '[vdso]');
  for (const l of inVdso) {
    assert.is(l.objectPath, '');
    assert.not.match(l.func, /\+0x/);
  }
  // clock_gettime(CLOCK_MONOTONIC) runs in the vdso unless the clock source forbids it.
  if (inVdso.length > 0) assert.ok(inVdso.some((l) => /clock_gettime/.test(l.func)));
});

test('a dlopened, stripped library: names from .dynsym, fallbacks elsewhere', async () => {
  const t = await trace();
  const img = imageOf(t, t.prog);
  assert.ok(!img.maps.start.includes(t.lib) && img.maps.exit.includes(t.lib), 'only in the exit maps');
  const funcs = funcsIn(locations(t, img), 'libsym.so');
  assert.ok(funcs.has('sym_lib_func'), [...funcs].join(' '));
  // The static helper is in no symbol table left: object+0xVADDR.
  assert.ok([...funcs].some((f) => /^libsym\.so\+0x[0-9a-f]+$/.test(f)), [...funcs].join(' '));
});

test('a stripped static binary: object+0xVADDR fallbacks', async () => {
  const t = await trace();
  const locs = locations(t, imageOf(t, t.stripped)).filter((l) => l.object === 'sym_prog_stripped');
  assert.ok(locs.length > 1000);
  for (const l of locs) {
    assert.ok(l.func === `sym_prog_stripped+0x${l.vaddr.toString(16)}` || l.func.endsWith('@plt'), l.func);
    assert.ok(l.vaddr >= 0x400000 && l.vaddr < 0x1000000, 'non-PIE static vaddrs');
  }
});

test('a static C++ binary: demangled names, libc inside the executable', async () => {
  const t = await trace();
  const locs = locations(t, imageOf(t, t.cxx));
  const own = funcsIn(locs, 'sym_cxx');
  for (const f of ['main', 'ns::Klass::method(int)', 'exit']) assert.ok(own.has(f), `${f}: ${[...own].slice(0, 50).join(' ')}`);
  assert.ok(own.has('__libc_start_main') || own.has('__libc_start_call_main'));
  assert.ok(locs.every((l) => l.object === 'sym_cxx' || l.object === '[vdso]'));
});

test('one symbol table and one location per object address, across images', async () => {
  const t = await trace();
  const root = imageOf(t, t.prog);
  const copy = t.profile.images.find((i) => !i.fromExec && i.parent === root.id)!;
  assert.ok(copy);
  const libcPath = locations(t, root).find((l) => l.object === 'libc.so.6')!.objectPath;
  assert.is(loadObject(libcPath), loadObject(libcPath));
  // The forked copy runs the same main as the root image, and shares its locations.
  const inMain = copy.pcs.filter((pc) => t.sym.lookup(copy.id, pc).func === 'main');
  assert.ok(inMain.length > 0);
  const rootMain = new Map(locations(t, root).filter((l) => l.func === 'main').map((l) => [l.vaddr, l]));
  for (const pc of inMain) {
    const l = t.sym.lookup(copy.id, pc);
    if (rootMain.has(l.vaddr)) assert.is(rootMain.get(l.vaddr), l);
  }
});

test('addresses in no mapping, and unknown images', async () => {
  const t = await trace();
  const img = imageOf(t, t.prog);
  const l = t.sym.lookup(img.id, 0x10);
  assert.equal(l, { object: '[unknown]', objectPath: '', func: '[unknown]+0x10', funcStart: -1, vaddr: 0x10 });
  assert.throws(() => t.sym.lookup(9999, 0x1000), /no image 9999/);
});

for (const tool of ['llvm-symbolizer', 'addr2line'] as const) {
  test(`source lines with ${tool}: an address in a is on a line of a`, async () => {
    if (!hasCommand(tool)) return console.log(`  (skipped: no ${tool})`);
    const t = await trace();
    const inA = locations(t, imageOf(t, t.prog)).filter((l) => l.func === 'a' && l.object === 'sym_prog');
    assert.ok(inA.length > 3);
    const [first, last] = lineRange('sym_prog.c', /^__attribute__\(\(noinline\)\) int a\(/);
    const res = await sourceLines(inA.map((l) => ({ objectPath: l.objectPath, vaddr: l.vaddr })), { tool });
    assert.equal(res.unavailable, []);
    assert.is(res.lines.length, inA.length);
    for (const line of res.lines) {
      assert.ok(line, 'every instruction of a has a line');
      assert.is(path.basename(line.file), 'sym_prog.c');
      assert.ok(line.line >= first && line.line <= last, `line ${line.line} in ${first}..${last}`);
    }
  });
}

test('source lines: unavailable without debug info', async () => {
  const t = await trace();
  const noDebug = await buildFixture('sym_prog'); // -O1, no -g
  const res = await sourceLines([
    { objectPath: noDebug, vaddr: 0x1100 },
    { objectPath: t.lib, vaddr: 0x1100 },
    { objectPath: '', vaddr: 0x10 },
  ]);
  assert.equal(res.lines, [null, null, null]);
  assert.equal(res.unavailable, [noDebug, t.lib].sort());
});

test('demangling: C++ in one batch, Rust legacy decoded, others unchanged', () => {
  assert.equal(demangleAll(['_ZN2ns5Klass6methodEi', 'main', '_ZNSt6vectorIiSaIiEE9push_backERKi@plt', '_RNvCs1234_7mycrate3foo']), [
    'ns::Klass::method(int)',
    'main',
    'std::vector<int, std::allocator<int> >::push_back(int const&)@plt',
    '_RNvCs1234_7mycrate3foo',
  ]);
  assert.is(demangleRustLegacy('_ZN4core3fmt5write17h0123456789abcdefE'), 'core::fmt::write');
  assert.is(
    demangleRustLegacy('_ZN60_$LT$alloc..string..String$u20$as$u20$core..fmt..Display$GT$3fmt17h0123456789abcdefE'),
    '<alloc::string::String as core::fmt::Display>::fmt',
  );
  assert.is(demangleRustLegacy('_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17hfedcba9876543210E.llvm.123'), 'std::rt::lang_start::{{closure}}');
  assert.is(demangleRustLegacy('_ZN2ns5Klass6methodEi'), null);
  assert.equal(demangleAll(['_ZN4core3ptr13drop_in_place17h0011223344556677E']), ['core::ptr::drop_in_place']);
});

test('maps: the exit snapshot wins, the start snapshot fills in', () => {
  const start = '400000-401000 r-xp 00000000 fe:00 11 /bin/old\n500000-501000 r-xp 00000000 fe:00 12 /bin/gone\n';
  const exit = '400000-401000 r-xp 00000000 fe:00 13 /bin/new\n600000-601000 r-xp 00001000 fe:00 14 /lib/my lib.so (deleted)\n';
  const s = new AddressSpace(exit, start);
  assert.is(s.find(0x400010)?.path, '/bin/new');
  assert.is(s.find(0x500010)?.path, '/bin/gone');
  const m = s.find(0x600000)!;
  assert.equal([m.path, m.deleted, m.offset, m.exec], ['/lib/my lib.so', true, 0x1000, true]);
  assert.is(s.find(0x700000), undefined);
});

test('ELF: only ELF64 little-endian is accepted', () => {
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 1;
  h[5] = 1;
  assert.throws(() => Elf.fromBytes(h, 'x32'), /not a 64-bit ELF.*ELF64 little-endian/);
  h[4] = 2;
  h[5] = 2;
  assert.throws(() => Elf.fromBytes(h, 'be'), /big-endian.*ELF64 little-endian/);
  assert.throws(() => Elf.fromBytes(Buffer.from('#!/bin/sh\n'), 'script'), /not an ELF file/);
});

test.run();
