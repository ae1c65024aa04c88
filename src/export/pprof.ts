// pprof (profile.proto, gzipped) via Datadog's pprof-format encoder. Sample type
// instructions/count; one sample per call-tree node with a non-zero self count, its
// locations leaf first. One location and one function per Attribution.functions entry
// (function filename = object name; one mapping per object, marked as already symbolized).
// Each thread root is the outermost frame of its samples (a pseudo-function named by the
// root label, so flame graphs separate threads the way the folded output does) and each
// sample also carries a "thread" string label with the root's label.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  Function as PprofFunction,
  Label,
  Location,
  Mapping,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from 'pprof-format';
import type { Attribution } from '../attribution-types.js';
import { indexTree, nodeName, walkTree } from './tree.js';

const gzipAsync = promisify(gzip);

export interface PprofOptions {
  /** Start of the run, ns since the epoch (profile.time_nanos); a bigint keeps it exact. */
  timeNanos?: number | bigint;
  /** Wall-clock length of the run in ns (profile.duration_nanos). */
  durationNanos?: number;
  /** Free-text comments stored in the profile. */
  comments?: string[];
  /** Put the thread root label as the outermost frame of each stack (default true). */
  threadFrames?: boolean;
}

/** The pprof Profile object (not encoded); toPprof encodes and gzips it. */
export function pprofProfile(a: Attribution, opts: PprofOptions = {}): Profile {
  const t = a.tree;
  const idx = indexTree(t);
  const threadFrames = opts.threadFrames ?? true;
  const st = new StringTable();
  const str = (s: string) => st.dedup(s);

  const mappingOf = new Map<string, number>();
  const mapping: Mapping[] = [];
  const mappingFor = (object: string): number => {
    let id = mappingOf.get(object);
    if (id === undefined) {
      id = mapping.length + 1;
      mappingOf.set(object, id);
      const path = a.objects.find((o) => o.name === object)?.path || object;
      mapping.push(new Mapping({ id, filename: str(path), hasFunctions: true }));
    }
    return id;
  };

  // pprof takes the first mapping as the main binary: the object named like the command of
  // the first thread root's label ("pid/tid /path/to/cmd args"), when there is one.
  const firstLabel = idx.roots.length > 0 ? t.label[idx.roots[0]!]! : '';
  const command = firstLabel.split(' ').filter(Boolean)[1] ?? '';
  const mainObject = command.slice(command.lastIndexOf('/') + 1);
  if (mainObject && a.functions.some((f) => f.object === mainObject)) mappingFor(mainObject);

  const fns: PprofFunction[] = [];
  const locs: Location[] = [];
  a.functions.forEach((f, i) => {
    const id = i + 1;
    const name = str(f.name);
    fns.push(new PprofFunction({ id, name, systemName: name, filename: str(f.object) }));
    locs.push(new Location({ id, mappingId: f.object ? mappingFor(f.object) : 0, line: [{ functionId: id }] }));
  });
  // Pseudo-functions for thread roots, one per distinct label.
  const rootLoc = new Map<string, number>();
  const rootLocation = (label: string): number => {
    let id = rootLoc.get(label);
    if (id === undefined) {
      id = locs.length + 1;
      rootLoc.set(label, id);
      const fid = fns.length + 1;
      fns.push(new PprofFunction({ id: fid, name: str(label), systemName: str(label) }));
      locs.push(new Location({ id, line: [{ functionId: fid }] }));
    }
    return id;
  };

  const threadKey = str('thread');
  const samples: Sample[] = [];
  walkTree(idx, (node, path) => {
    const self = t.self[node]!;
    if (self === 0) return;
    const root = path[0]!;
    const label = nodeName(a, root);
    const locationId: number[] = [];
    for (let k = path.length - 1; k >= 1; k--) {
      const f = t.func[path[k]!]!;
      if (f < 0 || f >= a.functions.length) throw new Error(`call tree: node ${path[k]} names no function (${f})`);
      locationId.push(f + 1);
    }
    if (threadFrames || locationId.length === 0) locationId.push(rootLocation(label));
    samples.push(new Sample({ locationId, value: [self], label: [new Label({ key: threadKey, str: str(label) })] }));
  });

  const instructions = { type: str('instructions'), unit: str('count') };
  const comment = (opts.comments ?? ['stepcount: exact user-space instruction counts']).map(str);
  return new Profile({
    sampleType: [new ValueType(instructions)],
    sample: samples,
    mapping,
    location: locs,
    function: fns,
    stringTable: st,
    timeNanos: typeof opts.timeNanos === 'bigint' ? opts.timeNanos : Math.round(opts.timeNanos ?? 0),
    durationNanos: Math.round(opts.durationNanos ?? 0),
    periodType: new ValueType(instructions),
    period: 1,
    comment,
    defaultSampleType: instructions.type,
  });
}

/** Gzipped pprof protobuf of an attribution, for `go tool pprof` and friends. */
export async function toPprof(a: Attribution, opts: PprofOptions = {}): Promise<Buffer> {
  const encoded = await pprofProfile(a, opts).encodeAsync();
  return gzipAsync(encoded);
}
