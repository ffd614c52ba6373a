/** Everything report.html is built from: plain data, no storage or Temporal access. */
import type { ReleaseRecord } from './release-record';

export interface ReportInput {
  release: ReleaseRecord;
  /** Releases to show the changes against: the previous version, a channel head. */
  comparisons: Array<{ label: string; record: ReleaseRecord }>;
  /** Chart.js's UMD bundle, inlined so the page needs no network. */
  chartLibrary: string;
  /** Link to the run in the Temporal UI, when its address is known. */
  workflowUrl?: string;
}
