/**
 * Composition root: config -> adapters -> createActivities(deps) -> Workers.
 * Two kinds of worker, best run as separate processes:
 *   pipeline  workflows plus the light activities (data, convert, benchmark, publish)
 *   training  train, evaluate and prune: CPU-heavy tfjs work, one activity at a time
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createLocationLister } from './activities';
import { createLocationReader } from './activities/read-location';
import { runtimeVersions } from './activities/runtime-versions';
import { activitiesOfRole, TASK_QUEUE_OF_ROLE, WORKER_ROLES, type WorkerRole } from './contracts';
import { pipelineBuild } from './infra/build-info';
import { connectionOptionsFor, describeConfig, loadConfig, workflowUrlFor } from './infra/config';
import { instanceGoneReason, LocalStackError, watchStackInstance } from './infra/local-stack';
import { repoRoot } from './infra/paths';
import { prepareServices } from './infra/prepare-services';
import { createObjectStore } from './infra/s3-object-store';
import { createBackendSelector } from './ml/backend-selector';

export type { WorkerRole } from './contracts';

export async function runWorkers(roles: WorkerRole[], opts: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[worker ${roles.join('+')}] ${line}\n`));
  const asked = loadConfig();
  // A local worker belongs to the stack instance it was started for (client/local-workers.ts): never another.
  const instance = process.env.LITESHIP_STACK_INSTANCE;
  const gone = instance ? instanceGoneReason(asked.stateDir, instance) : undefined;
  if (gone) throw new LocalStackError('start-failed', `not starting: ${gone}; \`liteship run\` or \`liteship dev up\` starts workers for the running stack`);
  // A local worker never starts servers: those it was started for run (or it refuses above), and
  // starting new ones after they stopped would leave servers running that nobody asked for.
  const config = instance ? asked : await prepareServices(asked, log);
  log(describeConfig(config));
  const connection = await NativeConnection.connect(connectionOptionsFor(config));
  try {
    const activities = createActivities({
      store: createObjectStore(config),
      build: pipelineBuild(repoRoot()),
      initBackend: createBackendSelector(log),
      runtimeVersions,
      readLocation: createLocationReader(config),
      listLocation: createLocationLister(config),
      workflowUrl: (id) => workflowUrlFor(config, id),
    });
    const pick = (role: WorkerRole) => Object.fromEntries(activitiesOfRole(role).map((name) => [name, activities[name]]));
    const base: Pick<WorkerOptions, 'connection' | 'namespace'> = { connection, namespace: config.temporal.namespace };
    const workers = await Promise.all(
      roles.map((role) =>
        role === 'pipeline'
          ? Worker.create({
              ...base,
              taskQueue: TASK_QUEUE_OF_ROLE.pipeline,
              workflowsPath: require.resolve('./workflows'),
              activities: pick('pipeline'),
              maxConcurrentActivityTaskExecutions: 2,
              // Beats every 3 s (keep-alive.ts) reach the server promptly: the 20 s heartbeat timeouts keep a wide margin.
              maxHeartbeatThrottleInterval: '3s',
              defaultHeartbeatThrottleInterval: '3s',
            })
          : Worker.create({
              ...base,
              taskQueue: TASK_QUEUE_OF_ROLE.training,
              activities: pick('training'),
              maxConcurrentActivityTaskExecutions: 1,
              // Heartbeats carry the last checkpoint: send them promptly so a crash loses at most one epoch.
              maxHeartbeatThrottleInterval: '2s',
              defaultHeartbeatThrottleInterval: '2s',
            }),
      ),
    );
    log(`polling ${roles.map((r) => TASK_QUEUE_OF_ROLE[r]).join(' and ')}`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      workers.forEach((w) => w.shutdown());
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    // A supervised worker (client/worker-supervisor.ts) also leaves when its supervisor is gone, so none is orphaned.
    const supervisorPid = Number(process.env.LITESHIP_SUPERVISOR_PID) || undefined;
    const unwatch = instance
      ? watchStackInstance(
          config.stateDir,
          instance,
          (reason) => {
            log(`stopping: ${reason}`);
            stop();
            // Shutdown waits for polls that a dead server never answers: do not outlive it by more than seconds.
            setTimeout(() => process.exit(0), 5000).unref();
          },
          { ...(supervisorPid ? { parentPid: supervisorPid } : {}) },
        )
      : () => undefined;
    try {
      await Promise.all(workers.map((w) => w.run()));
    } finally {
      unwatch();
    }
  } finally {
    await connection.close();
  }
}

export function parseRoles(value: string | undefined): WorkerRole[] {
  if (value === undefined || value === 'all') return [...WORKER_ROLES];
  const role = WORKER_ROLES.find((r) => r === value);
  if (role) return [role];
  throw new Error(`--queue must be pipeline, training or all, got ${JSON.stringify(value)}`);
}

async function main(): Promise<void> {
  const queueArg = process.argv.indexOf('--queue');
  await runWorkers(parseRoles(queueArg >= 0 ? process.argv[queueArg + 1] : undefined));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
