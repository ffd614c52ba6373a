// The dev server that ensureLocalStack starts: reachable through liteship's
// connection options, liteship's search attributes registered, and a 64 KiB
// blob limit that rejects large workflow inputs.
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { connectionOptionsFor } from '../../../infra/config';
import { BLOB_SIZE_ERROR_BYTES, SEARCH_ATTRIBUTES } from '../../../infra/local-stack';
import { temporal } from '@temporalio/proto';
import { testConfig } from '../../support/stack';

function messageChain(err: unknown): string {
  const messages: string[] = [];
  for (let e = err, i = 0; e instanceof Error && i < 5; e = e.cause, i++) messages.push(e.message);
  return messages.join(' <- ');
}

const config = testConfig();
let connection: Connection;
let client: Client;
const taskQueue = `it-no-worker-${crypto.randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  connection = await Connection.connect(connectionOptionsFor(config));
  client = new Client({ connection, namespace: config.temporal.namespace });
});
afterAll(async () => {
  await connection.close();
});

test('liteship search attributes are registered as Keyword', async () => {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: config.temporal.namespace });
  for (const name of SEARCH_ATTRIBUTES.map((registration) => registration.split("=")[0]!)) {
    expect({ name, type: customAttributes?.[name] }).toEqual({ name, type: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD });
  }
});

test(`a workflow input over ${BLOB_SIZE_ERROR_BYTES} bytes is rejected with "Blob data size exceeds limit"`, async () => {
  const big = 'x'.repeat(70_000);
  const err = await client.workflow
    .start('liteshipBlobLimitProbe', { taskQueue, workflowId: `it-blob-big-${Date.now()}`, args: [big] })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  // The client wraps the server's gRPC error ("Failed to start Workflow") and keeps it as the cause.
  expect(messageChain(err)).toMatch(/Blob data size exceeds limit/);
});

test('the same workflow type with a small input starts (so the rejection above is about size)', async () => {
  const handle = await client.workflow.start('liteshipBlobLimitProbe', {
    taskQueue,
    workflowId: `it-blob-small-${Date.now()}`,
    args: ['x'.repeat(1_000)],
  });
  try {
    expect((await handle.describe()).status.name).toBe('RUNNING');
  } finally {
    await handle.terminate('integration test cleanup');
  }
});
