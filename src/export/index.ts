// The exporters: pure functions of an Attribution.
export { toFolded } from './folded.js';
export { toSpeedscope, type SpeedscopeFile } from './speedscope.js';
export { toPprof, type PprofOptions } from './pprof.js';
export { toFlameHtml } from './flame-html.js';
