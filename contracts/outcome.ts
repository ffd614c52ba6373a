/**
 * How a run ended, in one word a script can branch on and one line a person can read. Carried by
 * the CLI's exit code and --json, `status`, the manifest and the LiteshipOutcome search attribute.
 */
export const OUTCOMES = {
  released: 'released',
  channelNotMoved: 'released (channel not moved)',
  unchanged: 'unchanged',
  rejectedByGate: 'rejected by gate',
  failed: 'failed',
} as const;
export type OutcomeLabel = (typeof OUTCOMES)[keyof typeof OUTCOMES];

export interface RunOutcome {
  label: OutcomeLabel;
  /** `released (channel not moved: stable stays at v5: accuracy ...)`, `unchanged: same as v4 (...)`. */
  text: string;
}

