/**
 * Fault matrix, servers: MinIO stopped for 30 s while training writes a checkpoint and, in a second
 * run, right after publish claimed its version; for 2 minutes right after publish claimed its version;
 * the Temporal dev server stopped and restarted (same SQLite file) mid-training, after the first
 * checkpoint. Every run ends with one whole release and no hole: the steps retry through the outage
 * (the retry policy waits minutes, not seconds) and the workers reconnect.
 */
import { ensureLocalStack, readLocalCredentials } from '../../../infra/local-stack';
import { stopServer } from '../../../infra/local-stack/managed-server';
import { minioServer } from '../../../infra/local-stack/minio-server';
import { temporalServer } from '../../../infra/local-stack/temporal-server';
import { useTestServices } from '../../support/services';
import { uniqueModelName } from '../../support/specs';
import { FaultWorkers, attemptsOf, auditModel, expectPlainStatus, sleep, tinySpec } from './harness';

const { config, store, client } = useTestServices();
const workers = new FaultWorkers(config, client, {
  outages: ['train:before-checkpoint', 'train:after-checkpoint', 'publish:after-claim'],
  claim: ['publish:after-claim'],
});
afterAll(async () => {
  await workers.stopAll();
  await ensureLocalStack(config); // whatever happened, leave the stack up for the next test file
});

const noLog = () => undefined;
const minio = () => minioServer(config, () => readLocalCredentials(config.stateDir)!, noLog);

/**
 * How long after MinIO has stopped the paused steps go on (and fail). Retries come 2, 6, 14, 30, 60,
 * 90, 120 s after the first failure; starting them 6 s into a 30 s or 120 s outage puts a retry a few
 * seconds after MinIO is back up (it takes a second or two to start), instead of one just before it
 * (then the next is 30 s later). The outage is not shortened: a miss only costs that wait.
 */
const RESUME_AFTER_MS = 6000;

/** Stops a server; `down` resolves once it has stopped, `back` once it runs again `ms` later. */
function outage(server: 'minio' | 'temporal', ms: number): { down: Promise<void>; back: Promise<void> } {
  const managed = server === 'minio' ? minio() : temporalServer(config, noLog);
  const down = stopServer(config.stateDir, managed).then((outcome) => expect(outcome).toBe('stopped'));
  const back = down.then(async () => {
    await sleep(ms);
    await ensureLocalStack(config);
  });
  return { down, back };
}

// Run "outages" meets three faults in turn; run "claim" (its own model) has its publish paused right
// after the claim at the same moment, so the first MinIO outage also covers the claim, for free.
it('MinIO down 30 s during a checkpoint write and right after a publish claim, Temporal restarted mid-train (same SQLite), MinIO down 2 minutes right after the publish claim: whole releases', async () => {
  const model = uniqueModelName('faults-outages');
  const claimModel = uniqueModelName('faults-claim-outage');
  await Promise.all([workers.start('pipeline'), workers.start('training')]);
  // The claim run goes first: paused in publish it keeps heartbeating, while a training attempt paused
  // before its checkpoint does not (its 30 s heartbeat timeout would retry it elsewhere), so that one
  // must be the last to arrive.
  const claimRun = await workers.release('claim', tinySpec(claimModel, { training: { epochs: 1, batchSize: 64, seed: 6 } }));
  await workers.reached('claim', 'publish:after-claim');
  const run = await workers.release('outages', tinySpec(model, { training: { epochs: 2, batchSize: 64, seed: 5 } }));
  await workers.reached('outages', 'train:before-checkpoint');
  const minioDown = outage('minio', 30_000);
  await minioDown.down;
  await sleep(RESUME_AFTER_MS);
  workers.resume('outages', 'train:before-checkpoint'); // the checkpoint write now meets a dead MinIO
  workers.resume('claim', 'publish:after-claim'); // and so does everything publish writes after the claim
  await minioDown.back;

  await workers.reached('outages', 'train:after-checkpoint'); // the retried attempt wrote it once MinIO was back
  await outage('temporal', 5_000).back;
  workers.resume('outages', 'train:after-checkpoint');

  await workers.reached('outages', 'publish:after-claim');
  const minioDownLong = outage('minio', 120_000);
  await minioDownLong.down;
  await sleep(RESUME_AFTER_MS);
  workers.resume('outages', 'publish:after-claim');
  await minioDownLong.back;

  for (const [m, r] of [[model, run], [claimModel, claimRun]] as const) {
    expect((await r.result()).version).toBe('v1');
    const { released, unreleased } = await auditModel(store, m);
    expect(released.map((x) => x.version)).toEqual(['v1']);
    expect(unreleased).toEqual([]);
    expect(released[0]!.workflow).toEqual({ workflowId: r.workflowId, runId: r.runId });
    await expectPlainStatus(r.workflowId);
  }
  // Each outage was ridden out by retries (only the last attempt's start is in the history): 2+4+8 s of
  // backoff is less than 30 s, so a publish that met the outage is at attempt 4 or later.
  expect((await attemptsOf(client(), run.workflowId, 'train'))[0]).toBeGreaterThan(1);
  expect((await attemptsOf(client(), run.workflowId, 'publish'))[0]).toBeGreaterThan(3);
  expect((await attemptsOf(client(), claimRun.workflowId, 'publish'))[0]).toBeGreaterThan(3);
});
