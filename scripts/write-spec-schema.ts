// Writes specs/release-spec.schema.json from the validator (contracts/spec-schema.ts).
// Run after changing contracts/spec.ts: npx tsx scripts/write-spec-schema.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { releaseSpecSchemaText, SPEC_SCHEMA_FILE } from '../contracts/spec-schema';
import { supportedLayerTypes } from '../ml/architectures';
import { converterTable } from '../tflite';

const file = path.join(__dirname, '..', SPEC_SCHEMA_FILE);
writeFileSync(file, releaseSpecSchemaText({ layerTypes: supportedLayerTypes(converterTable()) }));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
