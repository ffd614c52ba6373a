/**
 * Tools for the fault-matrix tests: workers this suite starts itself (with fault points armed per
 * run), starting runs, waiting for a worker to reach a point, and checking that every release in the
 * bucket is whole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { localWorkerPid, stopLocalWorkers } from '../../../client/local-workers';
import { faultEntry, type FaultPointName } from '../../../activities/fault-point';
import { PIPELINE_TASK_QUEUE, RELEASE_FILES, TRAINING_TASK_QUEUE, WORKER_ROLES, type ReleaseManifest, type ReleaseResult, type ReleaseSpec } from '../../../contracts';
import type { LiteshipConfig } from '../../../infra/config';
import type { ObjectStore } from '../../../infra/object-store';
import { repoRoot } from '../../../infra/paths';
import { listVersionFolders } from '../../../infra/release-folders';
import { loadMnist, sliceImageSet } from '../../../ml';
import { runCli } from '../../support/cli';
import { idxDataSpec } from '../../support/idx-files';
import { tempDir } from '../../support/specs';

export type Role = 'pipeline' | 'training';
const QUEUES: Record<Role, string> = { pipeline: PIPELINE_TASK_QUEUE, training: TRAINING_TASK_QUEUE };

/** A small MNIST subset as IDX files, written once per test file: enough for ~90% in one epoch, fast on 2 cores. */
let dataSpec: ReturnType<typeof idxDataSpec> | undefined;
export function tinyData() {
  if (!dataSpec) {
    const mnist = loadMnist();
    dataSpec = idxDataSpec(tempDir('liteship-faults-data-'), sliceImageSet(mnist.train, 0, 3000), sliceImageSet(mnist.test, 0, 1000));
  }
  return dataSpec;
}

export function tinySpec(model: string, extra: Record<string, unknown> = {}) {
  return {
    model,
    architecture: 'mlp',
    data: tinyData(),
    training: { epochs: 1, batchSize: 64, seed: 7 },
    benchmark: { maxAccuracyGapPoints: 1 },
    variants: ['float32'],
    ...extra,
  };
}

/** Which fault points pause which run: run tag -> points. A run not listed never pauses. */
export type FaultPlan = Record<string, FaultPointName[]>;

/**
 * Workers started by this suite. Every worker is armed with the whole plan, each point keyed by its
 * run's workflow-id prefix: whichever worker takes a run's task pauses exactly where that run's test
 * expects, so several fault runs (and unfaulted reference runs) can share the workers at once.
 */
export class FaultWorkers {
  readonly dir = tempDir('liteship-faults-');
  private readonly prefix = `faults-${path.basename(this.dir)}-`;
  private readonly running = new Set<ChildProcess>();

  constructor(
    private readonly config: LiteshipConfig,
    private readonly client: () => Client,
    private readonly plan: FaultPlan = {},
  ) {}

  /** The workflow-id prefix of a run: `<suite prefix><tag>-`. */
  private runPrefix(tag: string): string {
    return `${this.prefix}${tag}-`;
  }

  /**
   * Starts a release of `spec` as run `tag`. `force`: nothing is reused from an earlier run with the
   * same recipe key (a trained model of the same training, data and code would otherwise be reused,
   * and the run would never reach its training fault points, nor train at all).
   */
  async release(tag: string, spec: ReleaseSpec | Record<string, unknown>, force = true): Promise<RunHandle> {
    const handle = await this.client().workflow.start('releaseModel', {
      taskQueue: PIPELINE_TASK_QUEUE,
      workflowId: `${this.runPrefix(tag)}${String(spec.model)}`,
      args: [spec as ReleaseSpec, { force }],
    });
    return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, result: () => this.client().workflow.getHandle(handle.workflowId).result() as Promise<ReleaseResult> };
  }

  private sharedGone?: Promise<void>;

  /**
   * Stops the shared local workers (started by other test files) and waits until they have exited:
   * they poll the same queues and would take this suite's tasks unarmed. Runs may start once this
   * resolves, before this suite's own workers poll.
   */
  sharedWorkersStopped(): Promise<void> {
    this.sharedGone ??= (async () => {
      const pids = WORKER_ROLES.flatMap((role) => localWorkerPid(this.config, role) ?? []);
      stopLocalWorkers(this.config);
      const deadline = Date.now() + 30_000;
      for (const pid of pids) {
        while (isAlive(pid)) {
          if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
          await sleep(100);
        }
      }
    })();
    return this.sharedGone;
  }

  /** Starts one of this suite's workers (after the shared ones are gone) and waits until it polls. */
  async start(role: Role): Promise<ChildProcess> {
    await this.sharedWorkersStopped();
    const points = Object.entries(this.plan).flatMap(([tag, list]) => list.map((p) => faultEntry(p, this.runPrefix(tag))));
    const log = openSync(path.join(this.dir, `worker-${role}.log`), 'a');
    const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'liteship.js'), 'worker', '--queue', role], {
      stdio: ['ignore', log, log],
      env: { ...process.env, LITESHIP_TEST_FAULT_POINT: points.join(','), LITESHIP_TEST_FAULT_DIR: this.dir },
      cwd: repoRoot(),
    });
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    const since = Date.now();
    while (!(await this.polling(role, since))) {
      if (child.exitCode !== null) throw new Error(`the ${role} worker exited while starting: see ${this.dir}/worker-${role}.log`);
      if (Date.now() - since > 180_000) throw new Error(`the ${role} worker did not poll within 180 s`);
      await sleep(300);
    }
    return child;
  }

  private async polling(role: Role, since: number): Promise<boolean> {
    const res = await this.client().workflowService.describeTaskQueue({
      namespace: this.config.temporal.namespace,
      taskQueue: { name: QUEUES[role] },
      taskQueueType: 2, // activity pollers: both roles run activities
    });
    return (res.pollers ?? []).some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= since - 1000);
  }

  /** SIGKILL of the worker with this pid, no goodbye: the server learns of it only through the missing heartbeat. */
  async kill(pid: number): Promise<void> {
    const child = [...this.running].find((c) => c.pid === pid);
    if (!child) throw new Error(`no running worker with pid ${pid} to kill`);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.running].map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.running.clear();
  }

  private marker(tag: string, point: FaultPointName): string {
    if (!this.plan[tag]?.includes(point)) throw new Error(`run ${tag} has no fault point ${point} in this suite's plan`);
    return path.join(this.dir, faultEntry(point, this.runPrefix(tag)));
  }

  /** Waits until a worker paused run `tag` at `point`, and returns the pid that did. */
  async reached(tag: string, point: FaultPointName, timeoutMs = 10 * 60_000): Promise<number> {
    const marker = this.marker(tag, point);
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(marker)) {
      if (Date.now() > deadline) throw new Error(`run ${tag} reached no fault point ${point} in ${timeoutMs / 1000} s (logs in ${this.dir})`);
      await sleep(100);
    }
    return Number(readFileSync(marker, 'utf8'));
  }

  /** Lets the paused worker carry on. */
  resume(tag: string, point: FaultPointName): void {
    writeFileSync(`${this.marker(tag, point)}.go`, '');
  }
}

export interface RunHandle {
  workflowId: string;
  runId: string;
  result(): Promise<ReleaseResult>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process still runs (a zombie, killed but not yet reaped by its parent, does not count). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Every version folder of the model: the released ones must be whole (a manifest, and every file it
 * lists with its sha256 and size); returns the released versions and the ones without a manifest.
 */
export async function auditModel(store: ObjectStore, model: string): Promise<{ released: ReleaseManifest[]; unreleased: string[] }> {
  const released: ReleaseManifest[] = [];
  const unreleased: string[] = [];
  for (const version of await listVersionFolders(store, model)) {
    const key = (file: string) => `${model}/${version}/${file}`;
    if (!(await store.head(key(RELEASE_FILES.manifest)))) {
      unreleased.push(version);
      continue;
    }
    const manifest = JSON.parse(new TextDecoder().decode(await store.get(key(RELEASE_FILES.manifest)))) as ReleaseManifest;
    expect(manifest.version).toBe(version);
    for (const [file, expected] of Object.entries(manifest.files)) {
      const bytes = await store.get(key(file));
      expect({ file, sha256: sha256(bytes), bytes: bytes.byteLength }).toEqual({ file, sha256: expected.sha256, bytes: expected.bytes });
    }
    released.push(manifest);
  }
  return { released, unreleased };
}

/** The attempt number of each started attempt of `activity` in the run's history, in order. */
export async function attemptsOf(client: Client, workflowId: string, activity: string): Promise<number[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return events.flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    if (!started) return [];
    const scheduled = events.find((s) => String(s.eventId) === String(started.scheduledEventId));
    return scheduled?.activityTaskScheduledEventAttributes?.activityType?.name === activity ? [started.attempt ?? 0] : [];
  });
}

/** What a user sees of a faulted run (`liteship status`): it succeeded, in plain lines, with no stack trace or "unexpected error". */
export async function expectPlainStatus(workflowId: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(['status', workflowId]);
  const shown = stdout + stderr;
  expect({ code, stackTrace: /\n\s+at \S/.test(shown), unexpected: /unexpected error/i.test(shown) }).toEqual({ code: 0, stackTrace: false, unexpected: false });
  return shown;
}
