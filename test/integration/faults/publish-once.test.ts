/**
 * Publish exactly once, at the storage level (real MinIO, no training): a retried claim finds its own
 * version, concurrent runs get distinct versions, a taken explicit version is refused, and a failed
 * run's claim is marked abandoned and reported by `liteship releases`.
 */
import { RELEASE_FILES } from '../../../contracts';
import { abandonClaim, assertVersionFree, claimVersion } from '../../../activities/release-claim';
import { runCli } from '../../support/cli';
import { useTestServices } from '../../support/services';
import { uniqueModelName } from '../../support/specs';

const { store } = useTestServices();
const run = (n: number) => ({ workflowId: `wf-${n}`, runId: `run-${n}` });

it('a retried claim finishes its own version, even after other runs claimed later ones', async () => {
  const model = uniqueModelName('claims');
  expect(await claimVersion(store, model, undefined, run(1))).toBe('v1');
  expect(await claimVersion(store, model, undefined, run(2))).toBe('v2');
  // Attempt 2 of run 1 (its first attempt died right after claiming): v1 again, not v3.
  expect(await claimVersion(store, model, undefined, run(1))).toBe('v1');
  // The same workflow id with a new run id is another run: it takes a new number.
  expect(await claimVersion(store, model, undefined, { workflowId: 'wf-1', runId: 'run-1b' })).toBe('v3');
});

it('concurrent runs each get a distinct version, with no gap', async () => {
  const model = uniqueModelName('claims-race');
  const versions = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => claimVersion(store, model, undefined, run(n))));
  expect([...versions].sort()).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
  // And each retry finds the same one again.
  expect(await Promise.all([1, 2, 3, 4, 5, 6].map((n) => claimVersion(store, model, undefined, run(n))))).toEqual(versions);
});

it('refuses an explicit version another workflow holds, early and at claim time', async () => {
  const model = uniqueModelName('claims-explicit');
  expect(await claimVersion(store, model, '2024.1', run(1))).toBe('2024.1');
  await expect(assertVersionFree(store, model, '2024.1', 'wf-2')).rejects.toThrow(/2024\.1 already exists \(claimed by workflow wf-1\)/);
  await expect(assertVersionFree(store, model, '2024.1', 'wf-1')).resolves.toBeUndefined();
  await expect(claimVersion(store, model, '2024.1', run(2))).rejects.toMatchObject({ name: 'ReleaseVersionExistsError' });
  await expect(assertVersionFree(store, model, '2024.2', 'wf-2')).resolves.toBeUndefined();
});

it("marks a failed run's claim abandoned, never reuses the number, and `releases` says so", async () => {
  const model = uniqueModelName('claims-abandoned');
  expect(await claimVersion(store, model, undefined, run(1))).toBe('v1');
  expect(await abandonClaim(store, model, undefined, run(2), 'not mine')).toBeUndefined();
  expect(await abandonClaim(store, model, undefined, run(1), 'publish failed: storage unreachable')).toBe('v1');
  expect(await store.head(`${model}/v1/${RELEASE_FILES.abandoned}`)).toBeDefined();
  expect(await claimVersion(store, model, undefined, run(3))).toBe('v2');

  const { code, stdout } = await runCli(['releases', model]);
  expect(code).toBe(0);
  expect(stdout).toContain(`${model} has no releases`);
  expect(stdout).toMatch(/v1 {2}abandoned: workflow wf-1 failed after claiming it \(publish failed: storage unreachable\)/);
  expect(stdout).toMatch(/v2 {2}claimed by workflow wf-3 at .*not released: publishing now, or that run stopped/);
});
