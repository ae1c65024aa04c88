// The bench progress line (stderr, on a terminal only): which benchmark of how many is running.
import { int } from '../format.js';
import type { TraceProgress } from '../native.js';

export class BenchProgress {
  private label = '';
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(index: number, total: number, name: string, run: number, runs: number): void {
    this.label = `stepcount: [${index}/${total}] ${name}${runs > 1 ? ` (run ${run}/${runs})` : ''}`;
    this.draw(this.label);
  }

  update(p: TraceProgress): void {
    this.draw(`${this.label} · ${int(p.instructions)} instructions`);
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private draw(text: string): void {
    // Ends with \r so the benchmark's own output overwrites the line instead of appending to it.
    this.stream.write(`\r\x1b[K${text.slice(0, (this.stream.columns || 80) - 1)}\r`);
    this.shown = true;
  }
}
