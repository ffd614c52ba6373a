// Jest's node environment runs each test file in its own realm, so `x instanceof
// Float32Array` is false for typed arrays made by a native addon (tfjs-node returns
// tensor data created in Node's main realm), and tfjs' weight encoder rejects them
// ("Unsupported TypedArray subtype"). This environment shares the main realm's typed
// array constructors, as a real worker process has them. Use it with a docblock:
//   /** @jest-environment ./test/support/native-realm-environment.js */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array'];

class NativeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = NativeRealmEnvironment;
