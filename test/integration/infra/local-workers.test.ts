/**
 * Local stacks that never interfere, on real servers: a second stack ("B", its own state folder) asks
 * for the very ports the test stack holds, gets others, and both serve a run at once. B's workers run
 * under the supervisor `dev up` started: SIGKILL of its training worker mid-train is answered by a new
 * worker within seconds and the run completes. `dev down` leaves no process of B. A worker started for
 * an earlier instance of B refuses to poll; one started for the current instance leaves when B's
 * servers stop. B is driven through the real CLI in child processes, as a second checkout would be.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { faultEntry } from '../../../activities/fault-point';
import { ExitCode } from '../../../client/exit-codes';
import type { SupervisorStatus } from '../../../client/local-worker-files';
import { ensureLocalWorkers, localWorkerPid } from '../../../client/local-workers';
import { PIPELINE_TASK_QUEUE, TRAINING_TASK_QUEUE, validateSpec, type ReleaseResult } from '../../../contracts';
import { connectionOptionsFor, loadConfig, type LiteshipConfig } from '../../../infra/config';
import { PORT_ENV, PORT_NAMES } from '../../../infra/local-ports';
import { ensureLocalStack, readStackInstance, stopLocalStack } from '../../../infra/local-stack';
import { portsOf } from '../../../infra/local-stack/port-choice';
import { repoRoot } from '../../../infra/paths';
import type { releaseModel } from '../../../workflows';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName } from '../../support/specs';
import { tinyMnistSpec } from '../../support/tiny-mnist';

jest.setTimeout(8 * 60_000);

const test = useTestServices();
const stateB = tempDir('liteship-stack-b-');
const faultDir = tempDir('liteship-stack-b-faults-');
const prefix = `stack-b-${path.basename(stateB)}-`;
const dataDir = tempDir('liteship-stack-b-data-');
const pausePoint = faultEntry('train:after-checkpoint', prefix);
/** B's environment: its own state folder, no explicit ports, and its training worker armed to pause after the first checkpoint. */
const envB: NodeJS.ProcessEnv = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env, LITESHIP_STATE_DIR: stateB, LITESHIP_TEST_FAULT_POINT: pausePoint, LITESHIP_TEST_FAULT_DIR: faultDir };
  for (const name of [...Object.values(PORT_ENV), 'LITESHIP_STACK_INSTANCE', 'LITESHIP_SUPERVISOR_PID']) delete env[name];
  return env;
})();
const configB = (): LiteshipConfig => loadConfig(envB);

function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'liteship.js'), ...args], { env, cwd: repoRoot() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', (code) => resolve({ code, out }));
  });
}

/** Pids of every process started with B's state folder in its environment (servers, supervisor, workers). */
function processesOfB(): number[] {
  const needle = `LITESHIP_STATE_DIR=${stateB}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) return false;
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function withClient<T>(config: LiteshipConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect(connectionOptionsFor(config));
  try {
    return await fn(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/** Identities (`pid@host`) of the pollers of a task queue that polled since `since`. */
async function pollers(client: Client, taskQueue: string, since = 0): Promise<string[]> {
  const res = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 2 });
  return (res.pollers ?? [])
    .filter((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime?.nanos ?? 0) / 1e6) >= since)
    .map((p) => p.identity ?? '');
}

function spec(model: string) {
  return validateSpec(tinyMnistSpec(dataDir, model, { training: { epochs: 2, batchSize: 64, seed: 5 }, variants: ['float32'] }));
}

afterAll(async () => {
  await cli(envB, 'dev', 'down');
  for (const pid of processesOfB()) process.kill(pid, 'SIGKILL'); // only if a test failed half-way; none is expected
  for (const dir of [stateB, faultDir, dataDir]) rmSync(dir, { recursive: true, force: true });
});

let firstInstanceOfB: string | undefined;

it('a second stack asking for the ports the test stack holds gets free ones, recorded; both serve a run at once, and a SIGKILLed training worker is replaced in seconds', async () => {
  const testPorts = portsOf(test.config);
  writeFileSync(path.join(stateB, 'ports.json'), JSON.stringify(testPorts));
  // B comes up (servers and supervised workers) while the test stack's own workers start.
  const [up] = await Promise.all([cli(envB, 'dev', 'up'), ensureLocalWorkers(test.config, test.client(), () => undefined)]);
  expect(up).toMatchObject({ code: 0 });
  expect(up.out).toContain(`in use by the liteship stack of ${test.config.stateDir}: this stack uses`);
  const b = configB();
  for (const name of PORT_NAMES) expect({ name, port: b.local[name] }).not.toEqual({ name, port: testPorts[name] });
  expect(up.out).toMatch(new RegExp(`Temporal +running +127\\.0\\.0\\.1:${b.local.temporalPort} .*UI http://127\\.0\\.0\\.1:${b.local.temporalUiPort}`));
  expect(up.out).toMatch(/pipeline worker +running +pid \d+ +restarts 0/);
  expect(up.out).toMatch(/training worker +running +pid \d+ +restarts 0/);
  firstInstanceOfB = readStackInstance(stateB)?.id;
  const onTest = await test.client().workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId: `stack-test-${uniqueModelName('m')}`, args: [spec(uniqueModelName('stack-test'))] });

  await withClient(b, async (clientB) => {
    const onB = await clientB.workflow.start<typeof releaseModel>('releaseModel', { taskQueue: PIPELINE_TASK_QUEUE, workflowId: `${prefix}run`, args: [spec(uniqueModelName('stack-b'))] });
    // The training worker pauses right after its first checkpoint: kill it there, mid-train.
    const paused = await until('the training worker to reach its first checkpoint', 180_000, () =>
      existsSync(path.join(faultDir, pausePoint)) ? Number(readFileSync(path.join(faultDir, pausePoint), 'utf8')) : undefined,
    );
    expect(localWorkerPid(b, 'training')).toBe(paused);
    const killedAt = Date.now();
    process.kill(paused, 'SIGKILL');
    const replacement = await until('a new training worker polling B', 120_000, async () => {
      const pid = localWorkerPid(b, 'training');
      return pid && pid !== paused && (await pollers(clientB, TRAINING_TASK_QUEUE, killedAt)).some((id) => id.startsWith(`${pid}@`)) ? pid : undefined;
    });
    const replacedInS = (Date.now() - killedAt) / 1000;
    process.stderr.write(`[local-workers test] training worker ${paused} SIGKILLed; worker ${replacement} polled ${replacedInS.toFixed(1)} s later\n`);
    expect(replacedInS).toBeLessThan(60);
    const status = await cli(envB, 'dev', 'status');
    expect(status.out).toMatch(new RegExp(`training worker +running +pid ${replacement} +restarts 1 +last exit signal SIGKILL`));

    const [resultB, resultTest] = (await Promise.all([onB.result(), onTest.result()])) as ReleaseResult[];
    expect(resultB!.version).toBe('v1');
    expect(resultTest!.version).toBe('v1');
    const history = await onB.fetchHistory();
    const events = history.events ?? [];
    const trainAttempts = events.flatMap((e) => {
      const started = e.activityTaskStartedEventAttributes;
      const scheduled = started && events.find((s) => String(s.eventId) === String(started.scheduledEventId));
      return scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === 'train' ? [started?.attempt ?? 0] : [];
    });
    expect(trainAttempts).toContain(2); // the killed attempt was retried, by the replacement
  });
});

it('new MinIO credentials restart the workers; dev down then stops the supervisor, the workers and the servers: no process of that stack is left', async () => {
  // The same credentials in other bytes: the supervisor sees a changed file, as after new credentials.
  const credentialsFile = path.join(stateB, 'minio-credentials.json');
  writeFileSync(credentialsFile, `${JSON.stringify(JSON.parse(readFileSync(credentialsFile, 'utf8')))}\n`, { mode: 0o600 });
  const statusFile = path.join(stateB, 'workers', 'status.json');
  await until('both workers restarted for the new credentials', 60_000, () => {
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as SupervisorStatus;
    const restarted = (role: 'pipeline' | 'training') => status.roles[role]?.lastExit?.why === 'the MinIO credentials changed' && status.roles[role]?.state === 'running';
    return (restarted('pipeline') && restarted('training')) || undefined;
  });
  expect(processesOfB().length).toBeGreaterThanOrEqual(5); // 2 servers, the supervisor, 2 workers
  const down = await cli(envB, 'dev', 'down');
  expect(down.out).toContain('stopped local pipeline and training workers');
  expect(down.out).toContain('Temporal: stopped\nMinIO: stopped');
  expect(processesOfB()).toEqual([]);
});

it('a worker started for an earlier instance of the stack refuses to poll; one for the current instance leaves when the servers stop', async () => {
  const b = configB();
  await ensureLocalStack(b);
  const current = readStackInstance(stateB)?.id;
  expect(current).toBeDefined();
  expect(current).not.toBe(firstInstanceOfB);
  const since = Date.now();
  const worker = (instance: string) => cli({ ...envB, LITESHIP_STACK_INSTANCE: instance }, 'worker', '--queue', 'training');
  const stale = worker(firstInstanceOfB!);
  const live = worker(current!);
  const refused = await stale;
  expect(refused.code).toBe(ExitCode.environment);
  expect(refused.out).toContain(`liteship: not starting: the stack of ${stateB} was restarted (instance ${current}, this worker was started for ${firstInstanceOfB})`);

  await withClient(b, async (clientB) => {
    const polling = await until('the current-instance worker polling B', 120_000, async () => {
      const ids = await pollers(clientB, TRAINING_TASK_QUEUE, since);
      return ids.length > 0 ? ids : undefined;
    });
    expect(polling).toHaveLength(1); // the refused worker never polled
  });
  const stoppedAt = Date.now();
  await stopLocalStack(b);
  const left = await live;
  // Whichever the watchdog saw first: a server gone, or the instance record removed.
  expect(left.out).toMatch(/stopping: the (stack of \S+ was stopped|(temporal|minio) server of \S+ \(pid \d+\) is gone)/);
  expect((Date.now() - stoppedAt) / 1000).toBeLessThan(20);
  expect(processesOfB()).toEqual([]);
});
