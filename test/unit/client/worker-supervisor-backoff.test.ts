// How soon the local worker supervisor starts a dead worker again: at once after the first exit in a
// row (1 s), doubling while it keeps dying young, capped at 30 s, back to 1 s after a healthy run.
import { failuresInARow, restartDelayMs } from '../../../client/worker-supervisor';

test('a worker dying at start-up is restarted after 1, 2, 4, 8, 16, 30, 30 s', () => {
  let failures = 0;
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    failures = failuresInARow(failures, 500);
    delays.push(restartDelayMs(failures) / 1000);
  }
  expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30]);
});

test('an exit after a minute of running counts as the first in a row again', () => {
  expect(restartDelayMs(failuresInARow(6, 60_000))).toBe(1_000);
  expect(restartDelayMs(failuresInARow(6, 59_000))).toBe(30_000);
});
