/** Versions of everything a release's numbers depend on. */
import tfjsPackage from '@tensorflow/tfjs/package.json';
import { TFJS_TFLITE_NODE as TFLITE_NODE_RUNTIME } from '../tflite/runtimes/tfjs-tflite-node';
import liteshipPackage from '../package.json';

export function runtimeVersions(): Record<string, string> {
  return {
    liteship: liteshipPackage.version,
    node: process.versions.node,
    tfjs: tfjsPackage.version,
    [TFLITE_NODE_RUNTIME.name]: TFLITE_NODE_RUNTIME.version,
    tflite: TFLITE_NODE_RUNTIME.tfliteVersion,
    platform: `${process.platform}-${process.arch}`,
  };
}
