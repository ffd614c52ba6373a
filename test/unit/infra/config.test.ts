// loadConfig: local vs remote detection, Temporal's envconfig conventions, and
// no secret ever in describeConfig.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, connectionOptionsFor, describeConfig, loadConfig } from '../../../infra/config';
import { repoRoot } from '../../../infra/paths';

let home: string;
/** A clean environment: a fresh HOME so no ~/.config/temporalio/temporal.toml of the machine leaks in. */
function env(vars: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), PATH: process.env.PATH, ...vars };
}
function write(name: string, text: string): string {
  const file = path.join(home, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'liteship-config-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('local mode (nothing configured)', () => {
  test('defaults: repo state folder, dev server on 7233/8233, MinIO on 9000 with bucket liteship', () => {
    const config = loadConfig(env({ LITESHIP_STATE_DIR: home }));
    expect(loadConfig(env()).stateDir).toBe(path.join(repoRoot(), '.liteship'));
    expect(config.temporal).toMatchObject({ mode: 'local', address: '127.0.0.1:7233', namespace: 'default', uiUrl: 'http://127.0.0.1:8233' });
    expect(config.temporal.tls).toBeUndefined();
    expect(config.storage).toEqual({
      mode: 'local',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      bucket: 'liteship',
      forcePathStyle: true,
    });
    expect(config.local).toMatchObject({ temporalPort: 7233, temporalUiPort: 8233, s3Port: 9000, s3ConsolePort: 9001 });
    expect(config.local.cacheDir).toBe(path.join(home, '.cache', 'liteship'));
  });

  test('state folder, ports and cache folder move with their variables; the UI port follows the gRPC port', () => {
    const config = loadConfig(env({ LITESHIP_STATE_DIR: 'rel/state', LITESHIP_TEMPORAL_PORT: '17233', LITESHIP_S3_PORT: '19000', XDG_CACHE_HOME: '/x/cache' }));
    expect(config.stateDir).toBe(path.resolve('rel/state'));
    expect(config.temporal.address).toBe('127.0.0.1:17233');
    expect(config.temporal.uiUrl).toBe('http://127.0.0.1:18233');
    expect(config.storage.endpoint).toBe('http://127.0.0.1:19000');
    expect(config.local.cacheDir).toBe('/x/cache/liteship');
    expect(loadConfig(env({ LITESHIP_TEMPORAL_UI_PORT: '8080' })).temporal.uiUrl).toBe('http://127.0.0.1:8080');
  });

  test.each([
    ['LITESHIP_TEMPORAL_PORT', 'abc'],
    ['LITESHIP_S3_PORT', '70000'],
    ['LITESHIP_S3_CONSOLE_PORT', '0'],
  ])('%s=%s is a ConfigError naming the variable', (name, value) => {
    expect(() => loadConfig(env({ [name]: value }))).toThrow(ConfigError);
    expect(() => loadConfig(env({ [name]: value }))).toThrow(`${name}="${value}" is not a TCP port`);
  });
});

describe('remote Temporal (envconfig conventions)', () => {
  test('TEMPORAL_ADDRESS + namespace + API key: remote, TLS on, key passed to connections but never described', () => {
    const apiKey = 'tmprl-secret-api-key-123456';
    const config = loadConfig(env({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: apiKey }));
    expect(config.temporal).toMatchObject({ mode: 'remote', address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', tls: true, apiKey });
    expect(config.temporal.uiUrl).toBe('https://cloud.temporal.io/namespaces/ns.acct');
    expect(connectionOptionsFor(config)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey });
    const text = describeConfig(config);
    expect(text).toContain('temporal: remote ns.acct.tmprl.cloud:7233 namespace ns.acct (tls on, api key set');
    expect(text).not.toContain(apiKey);
  });

  test('remote Temporal does not make storage remote', () => {
    const config = loadConfig(env({ TEMPORAL_ADDRESS: 'temporal.internal:7233' }));
    expect(config.temporal).toMatchObject({ mode: 'remote', namespace: 'default' });
    expect(config.temporal.tls).toBeUndefined();
    expect(config.temporal.uiUrl).toBeUndefined();
    expect(config.storage.mode).toBe('local');
    expect(loadConfig(env({ TEMPORAL_ADDRESS: 'x:7233', LITESHIP_TEMPORAL_UI_URL: 'https://ui.example/' })).temporal.uiUrl).toBe('https://ui.example');
  });

  test('mTLS from TEMPORAL_TLS_* files: the key is loaded for connections and absent from the description', () => {
    const keyText = '-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n';
    const cert = write('client.pem', '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n');
    const key = write('client.key', keyText);
    const config = loadConfig(
      env({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_NAME: 'temporal' }),
    );
    const tls = connectionOptionsFor(config).tls;
    expect(typeof tls === 'object' && tls !== null && Buffer.from(tls.clientCertPair?.key ?? []).toString()).toBe(keyText);
    expect(typeof tls === 'object' && tls !== null && tls.serverNameOverride).toBe('temporal');
    const text = describeConfig(config);
    expect(text).toContain('tls on (client certificate)');
    expect(text).not.toContain('SECRETKEYMATERIAL');
  });

  test('TEMPORAL_TLS=false turns TLS off even with an API key in a profile', () => {
    const file = write('t.toml', '[profile.default]\naddress = "h:7233"\napi_key = "k-secret"\n');
    const config = loadConfig(env({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_TLS: 'false' }));
    expect(config.temporal.tls).toBe(false);
    expect(config.temporal.apiKey).toBe('k-secret');
  });

  test('TEMPORAL_PROFILE picks a profile from TEMPORAL_CONFIG_FILE; env vars override it', () => {
    const file = write(
      'temporal.toml',
      '[profile.default]\naddress = "dev:7233"\n\n[profile.prod]\naddress = "prod.example:7233"\nnamespace = "releases"\napi_key = "prod-secret-key"\n[profile.prod.grpc_meta]\nx-tenant = "tenant-secret"\n',
    );
    const config = loadConfig(env({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }));
    expect(config.temporal).toMatchObject({ mode: 'remote', address: 'prod.example:7233', namespace: 'releases', apiKey: 'prod-secret-key' });
    expect(config.temporal.metadata).toEqual({ 'x-tenant': 'tenant-secret' });
    const text = describeConfig(config);
    expect(text).toContain(`TEMPORAL_PROFILE=prod, TEMPORAL_CONFIG_FILE=${file}`);
    expect(text).toContain('grpc headers: x-tenant');
    expect(text).not.toMatch(/prod-secret-key|tenant-secret/);

    const overridden = loadConfig(env({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' }));
    expect(overridden.temporal.namespace).toBe('other');
    expect(loadConfig(env({ TEMPORAL_CONFIG_FILE: file })).temporal.address).toBe('dev:7233');
  });

  test('the default config file (~/.config/temporalio/temporal.toml) fills in what TEMPORAL_ADDRESS leaves out', () => {
    fs.mkdirSync(path.join(home, '.config', 'temporalio'), { recursive: true });
    fs.writeFileSync(path.join(home, '.config', 'temporalio', 'temporal.toml'), '[profile.default]\nnamespace = "from-file"\n');
    expect(loadConfig(env({ TEMPORAL_ADDRESS: 'h:7233' })).temporal.namespace).toBe('from-file');
    // ...but on its own it does not switch liteship away from the local dev server.
    expect(loadConfig(env()).temporal.mode).toBe('local');
  });

  test('a profile without an address, a missing profile and a broken file are ConfigErrors that say what to set', () => {
    const noAddress = write('a.toml', '[profile.default]\nnamespace = "x"\n');
    expect(() => loadConfig(env({ TEMPORAL_CONFIG_FILE: noAddress }))).toThrow(/gives no address: set TEMPORAL_ADDRESS=host:port/);
    expect(() => loadConfig(env({ TEMPORAL_CONFIG_FILE: noAddress, TEMPORAL_PROFILE: 'nope' }))).toThrow(ConfigError);
    expect(() => loadConfig(env({ TEMPORAL_CONFIG_FILE: noAddress, TEMPORAL_PROFILE: 'nope' }))).toThrow(/Profile 'nope' not found/);

    const broken = write('b.toml', '[profile.default]\naddress = "h:7233"\napi_key = "leaked-secret\n');
    let message = '';
    try {
      loadConfig(env({ TEMPORAL_CONFIG_FILE: broken }));
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('could not load the Temporal client configuration');
    expect(message).not.toContain('leaked-secret');
  });

  test('a TLS file that does not exist is a ConfigError naming the problem', () => {
    expect(() => loadConfig(env({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(home, 'missing-ca.pem') }))).toThrow(
      /could not read the Temporal TLS files .*missing-ca\.pem/,
    );
  });
});

describe('remote storage', () => {
  test('LITESHIP_S3_BUCKET alone: AWS S3, virtual-hosted URLs, region from AWS_REGION, no credentials in config', () => {
    const secret = 'aws-secret-access-key-value';
    const config = loadConfig(env({ LITESHIP_S3_BUCKET: 'ml-releases', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: secret }));
    expect(config.storage).toEqual({ mode: 'remote', region: 'eu-west-1', bucket: 'ml-releases', forcePathStyle: false });
    expect(config.temporal.mode).toBe('local');
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(describeConfig(config)).toContain('storage: remote s3://ml-releases at AWS S3 eu-west-1');
    expect(describeConfig(config)).toContain('credentials: AWS default chain');
    expect(describeConfig(config)).not.toMatch(/AKIAEXAMPLE|aws-secret/);
  });

  test('a custom endpoint defaults to path-style URLs; LITESHIP_S3_FORCE_PATH_STYLE overrides', () => {
    const base = { LITESHIP_S3_BUCKET: 'b-1', LITESHIP_S3_ENDPOINT: 'https://s3.example.com/' };
    expect(loadConfig(env(base)).storage).toMatchObject({ endpoint: 'https://s3.example.com', forcePathStyle: true, region: 'us-east-1' });
    expect(loadConfig(env({ ...base, LITESHIP_S3_FORCE_PATH_STYLE: 'false' })).storage.forcePathStyle).toBe(false);
    expect(loadConfig(env({ ...base, AWS_DEFAULT_REGION: 'auto' })).storage.region).toBe('auto');
  });

  test.each([
    [{ LITESHIP_S3_BUCKET: 'Bad_Bucket' }, /LITESHIP_S3_BUCKET="Bad_Bucket" is not a valid bucket name/],
    [{ LITESHIP_S3_BUCKET: 'ok-bucket', LITESHIP_S3_ENDPOINT: 'minio:9000' }, /LITESHIP_S3_ENDPOINT="minio:9000" is not an http\(s\) URL/],
    [{ LITESHIP_S3_BUCKET: 'ok-bucket', LITESHIP_S3_FORCE_PATH_STYLE: 'maybe' }, /LITESHIP_S3_FORCE_PATH_STYLE="maybe" is not a boolean/],
  ])('bad storage settings are ConfigErrors: %j', (vars, message) => {
    expect(() => loadConfig(env(vars))).toThrow(ConfigError);
    expect(() => loadConfig(env(vars))).toThrow(message);
  });
});

test('local storage credentials (set by the stack) never appear in describeConfig', () => {
  const config = loadConfig(env());
  const withCredentials = { ...config, storage: { ...config.storage, credentials: { accessKeyId: 'liteship-abc', secretAccessKey: 'minio-root-secret' } } };
  const text = describeConfig(withCredentials);
  expect(text).toContain(`credentials: local MinIO, kept in ${path.join(config.stateDir, 'minio-credentials.json')}`);
  expect(text).not.toMatch(/minio-root-secret|liteship-abc/);
});
