/**
 * One tiny real run, then: the storage secret key appears nowhere a user or an operator can read
 * (workflow history, worker logs, every file of the release, CLI output), and the CLI's failures
 * against the real stack end as one clear line with their exit code (unknown workflow id,
 * tampered download).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { ExitCode } from '../../../client/exit-codes';
import { credentialsFile } from '../../../infra/local-stack/credentials';
import { loadMnist, sliceImageSet } from '../../../ml';
import { runCli, type CliResult } from '../../support/cli';
import { idxDataSpec } from '../../support/idx-files';
import { useTestServices } from '../../support/services';
import { tempDir, uniqueModelName, writeSpec } from '../../support/specs';

const { config, store, client } = useTestServices();

/** The secret, raw and base64-encoded (as it would look inside an encoded payload). */
function secretForms(): string[] {
  const { secretAccessKey } = JSON.parse(readFileSync(credentialsFile(config.stateDir), 'utf8')) as { secretAccessKey: string };
  expect(secretAccessKey.length).toBeGreaterThanOrEqual(16);
  return [secretAccessKey, Buffer.from(secretAccessKey).toString('base64')];
}

/** Every place the text contains a form of the secret, named for the failure message. */
function leaks(where: string, text: string, forms: string[]): string[] {
  return forms.some((f) => text.includes(f)) ? [where] : [];
}

/** History as text, with payload bytes decoded so a secret inside a payload shows. */
function historyText(history: History): string {
  return JSON.stringify(history, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
}

describe('a finished run, seen from outside', () => {
  const dir = tempDir();
  const model = uniqueModelName('secrets');
  const mnist = loadMnist();
  const spec = writeSpec(dir, 'tiny', {
    model,
    architecture: 'mlp',
    data: idxDataSpec(dir, sliceImageSet(mnist.train, 0, 2000), sliceImageSet(mnist.test, 0, 500)),
    training: { epochs: 1, seed: 3 },
    variants: ['float32'],
    benchmark: { maxAccuracyGapPoints: 1 },
  });
  let run: CliResult;
  let workflowId: string;

  beforeAll(async () => {
    run = await runCli(['run', spec, '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: ExitCode.ok });
    workflowId = (JSON.parse(run.stdout) as { workflowId: string }).workflowId;
  });

  it('holds no storage secret in its history, worker logs, release files or CLI output', async () => {
    const forms = secretForms();
    // The scan finds the secret where it is (the credentials file), so an empty result means something.
    expect(leaks('credentials file', readFileSync(credentialsFile(config.stateDir), 'utf8'), forms)).toEqual(['credentials file']);

    const found: string[] = [];
    found.push(...leaks('CLI output', run.stdout + run.stderr, forms));
    const status = await runCli(['status', workflowId, '--json']);
    expect(status.code).toBe(ExitCode.ok);
    found.push(...leaks('status output', status.stdout + status.stderr, forms));
    const releases = await runCli(['releases', model, '--json']);
    found.push(...leaks('releases output', releases.stdout + releases.stderr, forms));

    const history = await client().workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);
    found.push(...leaks('workflow history', historyText(history), forms));

    const logs = path.join(config.stateDir, 'logs');
    const logFiles = existsSync(logs) ? readdirSync(logs).filter((f) => f.endsWith('.log')) : [];
    expect(logFiles.some((f) => f.startsWith('worker-'))).toBe(true);
    for (const file of logFiles) found.push(...leaks(`log ${file}`, readFileSync(path.join(logs, file), 'latin1'), forms));

    const { keys } = await store.list(`${model}/`);
    expect(keys).toContain(`${model}/v1/manifest.json`);
    for (const key of keys) found.push(...leaks(key, Buffer.from(await store.get(key)).toString('latin1'), forms));

    expect(found).toEqual([]);
  });

  it('refuses a tampered download in one line, exit 3, and writes nothing', async () => {
    const key = `${model}/v1/model.tflite`;
    const original = await store.get(key);
    const tampered = original.slice();
    tampered[0] = (tampered[0] ?? 0) ^ 0xff;
    await store.put(key, tampered); // an unconditional overwrite: what an attacker with bucket access does
    const out = path.join(dir, 'pulled.tflite');
    const pull = await runCli(['pull', model, 'v1', '-o', out]);
    expect(pull.code).toBe(ExitCode.invalidInput);
    expect(pull.stderr).toMatch(new RegExp(`^liteship: model\\.tflite of ${model} v1 does not match its manifest \\(${original.length} bytes with sha256 [0-9a-f]{64}; the manifest lists ${original.length} bytes with sha256 [0-9a-f]{64}\\): the stored file was changed or damaged, so nothing was written; do not use it\\n$`, 'm'));
    expect(pull.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('answers status of an unknown workflow id in one line, exit 7', async () => {
    const status = await runCli(['status', `no-such-run-${Date.now()}`]);
    expect(status.code).toBe(ExitCode.notFound);
    expect(status.stdout).toBe('');
    expect(status.stderr).toMatch(/^liteship: no workflow "no-such-run-\d+" in namespace default: check the id \(`liteship run` prints it; the Temporal UI lists runs\)\n$/m);
    expect(status.stderr).not.toContain('unexpected error');
  });
});
