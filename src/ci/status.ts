// Exit statuses of the CI commands (compare, bench, merge, and run --runs), beside the
// general ones in ../errors.ts. Documented in the README.
export const CI_EXIT = {
  /** compare/bench: a benchmark grew beyond --threshold (like a failing test: status 1). */
  regression: 1,
  /** run/bench --require-stable: repeated runs of a benchmark did not all count the same. */
  unstable: 3,
  /** bench: a benchmark's command exited with another status than the suite expects. */
  benchFailed: 4,
} as const;
