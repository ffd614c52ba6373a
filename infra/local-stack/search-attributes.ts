// A local dev server started before liteship added a search attribute does not have it, and a
// workflow that upserts an unknown attribute fails its task: register whatever is missing.
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import type { LiteshipConfig } from '../config';

/** Adds the liteship search attributes the local server lacks; returns the names it added. */
export async function registerMissingSearchAttributes(config: LiteshipConfig): Promise<string[]> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5_000 });
  try {
    const namespace = config.temporal.namespace;
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => customAttributes?.[key.name] === undefined);
    if (missing.length === 0) return [];
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
    });
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}
