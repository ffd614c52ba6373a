// The in-memory store meets the same contract as the S3 adapter against MinIO.
import { MemoryObjectStore } from '../../../infra/memory-object-store';
import { objectStoreContract } from '../../support/object-store-contract';

const store = new MemoryObjectStore('liteship-test');
objectStoreContract(() => store);

test('stores are independent of each other', async () => {
  const a = new MemoryObjectStore();
  await a.put('k', new Uint8Array([1]));
  await expect(new MemoryObjectStore().head('k')).resolves.toBeUndefined();
});
