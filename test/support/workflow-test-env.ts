// Workflow tests on the real Temporal dev server of the test stack (this machine cannot download the
// time-skipping test server), in a namespace of their own: the activity task queues are fixed by
// contracts/queues.ts, and the local workers of the e2e tests poll them in the default namespace.
// The workflow code is bundled once per test file; the stub activities run in this process.
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { activitiesOfRole, SEARCH_ATTRIBUTES, TASK_QUEUE_OF_ROLE, WORKER_ROLES } from '../../contracts';
import { connectionOptionsFor, loadConfig } from '../../infra/config';
import type { ReleaseStubs } from './release-stubs';

export const WORKFLOW_TEST_NAMESPACE = 'liteship-workflow-tests';
const NAMESPACE_READY_MS = 60_000;

export interface WorkflowTestEnv {
  client: Client;
  bundle: WorkflowBundleWithSourceMap;
  stop(): Promise<void>;
}

/** The current workflow code, bundled the way a Worker loads it. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
}

/** A new namespace reaches every server component's cache only after a few seconds. */
async function untilNamespaceKnown<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + NAMESPACE_READY_MS;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline || !/namespace/i.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Registers the test namespace and the search attributes releaseModel upserts, once per dev server. */
async function ensureNamespace(connection: Connection): Promise<void> {
  const namespace = WORKFLOW_TEST_NAMESPACE;
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') }).catch((err: { code?: number }) => {
      if (err.code !== 6) throw err; // ALREADY_EXISTS: another test file got there first
    });
  }
  const { customAttributes } = await untilNamespaceKnown(() => connection.operatorService.listSearchAttributes({ namespace }));
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((name) => !(name in (customAttributes ?? {})));
  if (missing.length > 0) {
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])) });
  }
}

/** One worker per role, polling its real task queue in the test namespace. */
async function createWorkers(stubs: ReleaseStubs, bundle: WorkflowBundleWithSourceMap, connection: NativeConnection): Promise<Worker[]> {
  return untilNamespaceKnown(() =>
    Promise.all(
      WORKER_ROLES.map((role) =>
        Worker.create({
          connection,
          namespace: WORKFLOW_TEST_NAMESPACE,
          taskQueue: TASK_QUEUE_OF_ROLE[role],
          activities: stubs.pick(activitiesOfRole(role)),
          ...(role === 'pipeline' ? { workflowBundle: bundle } : {}),
          // Cancellation reaches an activity with its next heartbeat: send them at once.
          defaultHeartbeatThrottleInterval: '100ms',
          maxHeartbeatThrottleInterval: '100ms',
        }),
      ),
    ),
  );
}

export async function openWorkflowTestEnv(stubs: ReleaseStubs): Promise<WorkflowTestEnv> {
  // Worker state changes at INFO would bury the test output; failures the tests provoke still show at WARN.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // a Runtime already exists in this module registry: keep its logger
  }
  const config = loadConfig();
  const connection = await Connection.connect(connectionOptionsFor(config));
  await ensureNamespace(connection);
  const [bundle, nativeConnection] = await Promise.all([bundleWorkflows(), NativeConnection.connect(connectionOptionsFor(config))]);
  const workers = await createWorkers(stubs, bundle, nativeConnection);
  const running = Promise.all(workers.map((w) => w.run()));
  return {
    client: new Client({ connection, namespace: WORKFLOW_TEST_NAMESPACE }),
    bundle,
    stop: async () => {
      workers.forEach((w) => w.shutdown());
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundle] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundle] ${message}\n`),
};
