// Where the instructions went: the symbolized, aggregated view of a profile. Built once by
// `stepcount run` (symbolization needs the binaries) and saved in the profile as
// `attribution`, so `stepcount report` and `stepcount compare` re-render it without
// re-tracing or re-reading any binary.

export interface ObjectCount {
  /** Short name: basename of the file, or "[vdso]", "[unknown]". */
  name: string;
  /** Full path of the object ("" for [vdso] and unknown). */
  path: string;
  /** Instructions executed in this object. */
  self: number;
}

export interface FunctionCount {
  /** Demangled function name, or "object+0xOFFSET" where no symbol covers the address. */
  name: string;
  /** Short object name (see ObjectCount.name). */
  object: string;
  /** Instructions executed in the function itself. */
  self: number;
  /** Instructions executed in the function and everything it called (from the call tree). */
  inclusive: number;
  /** Times the function was entered (calls, tail calls and PLT jumps), from the call tree. */
  calls: number;
}

export interface LineCount {
  file: string;
  line: number;
  function: string;
  object: string;
  self: number;
}

/** The exact call tree: node i has parent[i] (-1 for a thread root) and names func[i]. */
export interface CallTreeTable {
  parent: number[];
  /** Index into Attribution.functions; -1 for a thread root. */
  func: number[];
  self: number[];
  calls: number[];
  /** For root nodes: "pid/tid command" labels; "" for other nodes. */
  label: string[];
}

export interface SyscallRow {
  name: string;
  nr: number;
  calls: number;
  errors: number;
  /** User instructions executed by the calling thread since its previous syscall, summed. */
  instructionsBefore: number;
}

export interface Phase {
  /** e.g. "startup (until the first syscall of main program)", "execve #2 /bin/true" */
  name: string;
  instructions: number;
  syscalls: number;
}

export interface FileWritten {
  path: string;
  pid: number;
  syscall: string;
  /** "ok" or an errno name like "ENOENT". */
  result: string;
}

export interface Attribution {
  objects: ObjectCount[];
  /** Sorted by self, descending. */
  functions: FunctionCount[];
  /** null when line info is unavailable; `lineInfo` then says why. */
  lines: LineCount[] | null;
  lineInfo: string;
  tree: CallTreeTable;
  syscalls: SyscallRow[];
  phases: Phase[];
  files: FileWritten[];
}
