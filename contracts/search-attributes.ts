/**
 * The typed search attributes a release run carries, so runs can be found and filtered in the
 * Temporal UI (`LiteshipModel = "mnist" AND LiteshipOutcome = "released"`). One list: the workflow
 * upserts these keys, `dev up` registers them on the local server, the README lists them for clusters.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = {
  model: keyword('LiteshipModel'),
  version: keyword('LiteshipVersion'),
  /** The step running now, or the last one once the run ended. */
  step: keyword('LiteshipStep'),
  /** How the run ended (released, gate-failed, ...). */
  outcome: keyword('LiteshipOutcome'),
  /** The variant the gate chose (published as model.tflite). */
  variant: keyword('LiteshipVariant'),
  /** First 12 hex digits of the dataset's sha256. */
  dataset: keyword('LiteshipDataset'),
  /** The release channel the run moved, when it moved one. */
  channel: keyword('LiteshipChannel'),
} as const;

/** How many hex digits of the dataset fingerprint the `dataset` attribute keeps. */
export const SHORT_FINGERPRINT = 12;

/** The type names `temporal operator search-attribute create` and `start-dev --search-attribute` take. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `Name=Type` for every attribute, as the Temporal CLI takes them. */
export function searchAttributeRegistrations(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).map((key) => `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
}
