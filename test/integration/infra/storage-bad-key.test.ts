// A request MinIO refuses as malformed (HTTP 400) is a typed, non-retryable StorageAccessError that
// says what the server answered, not a raw SDK "UnknownError" retried until the attempts run out.
import { failureOf, FailureType } from '../../../contracts';
import { StorageAccessError } from '../../../infra/object-store';
import { useTestServices } from '../../support/services';

const { store } = useTestServices();

it.each([
  ['head', () => store.head('../x/v1/manifest.json')],
  ['get', () => store.get('../x/v1/model.tflite')],
  ['list', () => store.list('../x/')],
])('%s of a key with ".." in it', async (op, call) => {
  const err = await call().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StorageAccessError);
  expect((err as Error).message).toMatch(new RegExp(`refused ${op} s3://\\S+ with HTTP 400 \\(.+\\): check the key, the bucket and LITESHIP_S3_ENDPOINT$`));
  expect(failureOf(err)).toEqual({ type: FailureType.storageAccess, retryable: false });
});
