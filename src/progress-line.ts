// The live status line on stderr while a trace runs (see run.ts for when it is shown).
import { int } from './format.js';
import type { TraceProgress } from './native.js';

export class ProgressLine {
  private shown = false;
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: TraceProgress): void {
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? p.instructions / secs : 0;
    const text = `stepcount: ${int(p.instructions)} instructions · ${int(p.syscalls)} syscalls · ${p.processes} process${p.processes === 1 ? '' : 'es'} · ${int(rate)}/s`;
    this.stream.write(`\r\x1b[K${text.slice(0, (this.stream.columns || 80) - 1)}\r`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
