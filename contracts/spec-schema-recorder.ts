/** What the spec validator reports about each field it checks, so the JSON Schema is derived from it (contracts/spec-schema.ts). */
export type SchemaFragment = Record<string, unknown>;

export interface SpecSchemaRecorder {
  /** A field's type and bounds, enum or pattern; `default` only when the validator filled it in. */
  field(path: string, fragment: SchemaFragment): void;
  /** The fields an object at `path` may have. */
  keys(path: string, allowed: readonly string[]): void;
}
