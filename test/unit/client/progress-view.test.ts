import type { ReleaseProgress } from '../../../contracts';
import { createProgressRenderer, stepLines } from '../../../client/progress-view';

const progress = (train: ReleaseProgress['steps']['train']): ReleaseProgress => ({
  model: 'mnist',
  current: 'train',
  steps: {
    prepareData: { status: 'done', durationMs: 2200, summary: '60000 train / 10000 test images' },
    train,
    evaluate: { status: 'pending' },
    prune: { status: 'pending' },
    convert: { status: 'pending' },
    benchmark: { status: 'pending' },
    select: { status: 'pending' },
    publish: { status: 'pending' },
  },
});

describe('progress view', () => {
  it('shows live training progress from the heartbeat', () => {
    const lines = stepLines({
      progress: progress({ status: 'running', startedAt: 1 }),
      training: { epoch: 1, epochs: 5, batch: 300, batchesPerEpoch: 1875, loss: 0.12345, accuracy: 0.9612, checkpoint: { epoch: 1, ref: { uri: 's3://b/k', sha256: 'x', bytes: 1 } } },
      elapsedMs: 5000,
    });
    expect(lines[0]).toBe('  ✓ prepareData     2.2s  60000 train / 10000 test images');
    expect(lines[1]).toBe('  ▸ train              …  epoch 2/5  batch 300/1875  loss 0.1235  acc 0.9612  (checkpoint: epoch 1)');
    expect(lines[2]).toBe('  · evaluate');
  });

  it('shows retries with their last failure', () => {
    const lines = stepLines({
      progress: progress({ status: 'running', startedAt: 1 }),
      retry: { activity: 'train', attempt: 2, lastFailure: 'worker lost' },
      elapsedMs: 0,
    });
    expect(lines[1]).toContain('(attempt 2: worker lost)');
  });

  it('shows when a retry waiting out an outage tries next', () => {
    const lines = stepLines({
      progress: progress({ status: 'running', startedAt: 1 }),
      retry: { activity: 'train', attempt: 3, lastFailure: 'storage unreachable', nextAttemptAt: Date.parse('2026-01-02T03:04:05Z') },
      elapsedMs: 0,
    });
    expect(lines[1]).toContain('(attempt 3: storage unreachable; next try at 03:04:05 UTC)');
  });

  it('in a log, prints each change once and skips pending steps', () => {
    let out = '';
    const render = createProgressRenderer((s) => (out += s), false);
    const snap = { progress: progress({ status: 'done', durationMs: 61_000, summary: '5 epochs' }), elapsedMs: 1 };
    render(snap);
    render(snap);
    expect(out).toBe('  ✓ prepareData     2.2s  60000 train / 10000 test images\n  ✓ train          1m01s  5 epochs\n');
  });
});
