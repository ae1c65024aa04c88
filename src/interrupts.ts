// Ctrl-C, SIGTERM and SIGHUP while commands are traced: abort the trace (the engine kills the
// traced tree and hands back a partial result), remember the first signal, and exit with
// 128 + its number, as a shell would.
import { EXIT } from './errors.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm, SIGHUP: 129 };

export class Interrupts {
  private readonly abort = new AbortController();
  /** The first signal received, if any. */
  received: NodeJS.Signals | undefined;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.received ??= sig;
    this.abort.abort();
  };

  constructor() {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  /** Aborted once a signal arrives: pass it to recordProfile / runSuite. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Exit status for the signal received (undefined if none). */
  get status(): number | undefined {
    return this.received && STATUS[this.received];
  }

  /** Stops listening (the default handlers apply again). */
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}
