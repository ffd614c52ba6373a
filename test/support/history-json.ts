// A workflow history as the JSON Temporal's tools write (`temporal workflow show -o json`), and back.
// @temporalio/common's historyToJSON/historyFromJSON (which Worker.runReplayHistories calls on JSON)
// pair its own protobufjs copy with @temporalio/proto's types and fail ("type must be a Type") when
// npm installs two copies, as it does in this repo; so the protobufjs that @temporalio/proto itself
// uses does the conversion.
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type ProtoHistory = proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): ProtoHistory | null;
}

const protoPackageDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved next to @temporalio/proto on purpose
const { toJson, fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [protoPackageDir] })) as ProtoJson;
// The generated types hide that the patched root is a protobufjs Root: lookupType is there at run time.
const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');

export function historyToJson(history: ProtoHistory): unknown {
  return toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

/** The History message for Worker.runReplayHistories (which then skips its own, broken here, JSON parsing). */
export function historyFromJson(json: unknown): ProtoHistory {
  const history = fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a workflow history in Temporal JSON form');
  return history;
}
