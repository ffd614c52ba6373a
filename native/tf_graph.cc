// liteship's small N-API binding to the TensorFlow C API's graph and session calls,
// which tfjs-node's binding (eager only) does not expose. It is generic on purpose:
// build a graph op by op (type, inputs, attributes), create a session with a
// ConfigProto, run it with feeds/fetches/targets. What graph to build (the compiled
// training step) is decided in TypeScript (ml/compiled/). Linked against the same
// libtensorflow_cc.so.2 tfjs-node loads, so one TensorFlow runtime serves both.
//
// JS API (all synchronous; handles are externals, ops are indices into the graph's list):
//   newGraph() -> graph
//   addOp(graph, type, name, inputs, attrs, controlInputs) -> op
//     inputs: [op, outputIndex] for a single input, or an array of those for a list input
//     attrs:  [name, kind, value] with kind one of type|int|float|bool|string|shape|ints|types|tensor
//             (shape: number[] with -1 for unknown; tensor: [dtype, shape, typedArray])
//   numOutputs(graph, op) -> number
//   newSession(graph, configProtoBytes | null) -> session
//   run(session, feeds [[op, index, dtype, shape, typedArray]], fetches [[op, index]], targets [op], runOptions?)
//     -> [[dtype, shape, typedArray]] (copies); with runOptions (a serialized RunOptions, e.g.
//     a trace level for profiling) -> [outputs, RunMetadata bytes]
//   closeSession(session)
#include <node_api.h>
#include <tensorflow/c/c_api.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

struct Graph {
  TF_Graph* graph;
  std::vector<TF_Operation*> ops;
};

struct Session {
  TF_Session* session;
  Graph* graph;  // kept alive by the JS reference held in the session's wrapper
};

#define CHECK_NAPI(env, call)                                   \
  do {                                                          \
    if ((call) != napi_ok) {                                    \
      napi_throw_error(env, nullptr, "N-API call failed: " #call); \
      return nullptr;                                           \
    }                                                           \
  } while (0)

napi_value Throw(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

bool GetString(napi_env env, napi_value v, std::string* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
  out->resize(len);
  std::vector<char> buf(len + 1);
  if (napi_get_value_string_utf8(env, v, buf.data(), len + 1, &len) != napi_ok) return false;
  out->assign(buf.data(), len);
  return true;
}

bool GetInt64(napi_env env, napi_value v, int64_t* out) { return napi_get_value_int64(env, v, out) == napi_ok; }

bool GetElement(napi_env env, napi_value array, uint32_t i, napi_value* out) { return napi_get_element(env, array, i, out) == napi_ok; }

uint32_t Length(napi_env env, napi_value array) {
  uint32_t n = 0;
  napi_get_array_length(env, array, &n);
  return n;
}

bool IsArray(napi_env env, napi_value v) {
  bool is = false;
  napi_is_array(env, v, &is);
  return is;
}

bool GetInt64Array(napi_env env, napi_value array, std::vector<int64_t>* out) {
  if (!IsArray(env, array)) return false;
  uint32_t n = Length(env, array);
  out->resize(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    if (!GetElement(env, array, i, &e) || !GetInt64(env, e, &(*out)[i])) return false;
  }
  return true;
}

template <typename T>
T* Unwrap(napi_env env, napi_value v) {
  void* data = nullptr;
  if (napi_get_value_external(env, v, &data) != napi_ok) return nullptr;
  return static_cast<T*>(data);
}

size_t DTypeSize(TF_DataType t) {
  switch (t) {
    case TF_FLOAT: case TF_INT32: return 4;
    case TF_DOUBLE: case TF_INT64: return 8;
    case TF_BOOL: case TF_UINT8: case TF_INT8: return 1;
    default: return 0;
  }
}

// A TF_Tensor holding a copy of a JS typed array's bytes.
TF_Tensor* TensorFromJs(napi_env env, TF_DataType dtype, napi_value shapeValue, napi_value dataValue, std::string* error) {
  std::vector<int64_t> shape;
  if (!GetInt64Array(env, shapeValue, &shape)) { *error = "tensor shape must be an array of integers"; return nullptr; }
  bool isTyped = false;
  napi_is_typedarray(env, dataValue, &isTyped);
  if (!isTyped) { *error = "tensor data must be a typed array"; return nullptr; }
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value buffer;
  if (napi_get_typedarray_info(env, dataValue, &type, &length, &data, &buffer, &offset) != napi_ok) { *error = "cannot read typed array"; return nullptr; }
  size_t elemSize = DTypeSize(dtype);
  if (elemSize == 0) { *error = "unsupported tensor dtype " + std::to_string(dtype); return nullptr; }
  size_t count = 1;
  for (int64_t d : shape) count *= static_cast<size_t>(d);
  size_t jsElem = (type == napi_float64_array || type == napi_bigint64_array) ? 8 : (type == napi_int16_array || type == napi_uint16_array) ? 2
                  : (type == napi_int8_array || type == napi_uint8_array || type == napi_uint8_clamped_array) ? 1 : 4;
  if (length * jsElem != count * elemSize) {
    *error = "tensor data holds " + std::to_string(length * jsElem) + " bytes, shape needs " + std::to_string(count * elemSize);
    return nullptr;
  }
  TF_Tensor* t = TF_AllocateTensor(dtype, shape.data(), static_cast<int>(shape.size()), count * elemSize);
  if (count > 0) std::memcpy(TF_TensorData(t), data, count * elemSize);
  return t;
}

napi_value TensorToJs(napi_env env, TF_Tensor* t) {
  TF_DataType dtype = TF_TensorType(t);
  int rank = TF_NumDims(t);
  napi_value shape;
  napi_create_array_with_length(env, rank, &shape);
  for (int i = 0; i < rank; i++) {
    napi_value d;
    napi_create_int64(env, TF_Dim(t, i), &d);
    napi_set_element(env, shape, i, d);
  }
  size_t bytes = TF_TensorByteSize(t);
  napi_typedarray_type type;
  size_t elem;
  switch (dtype) {
    case TF_FLOAT: type = napi_float32_array; elem = 4; break;
    case TF_INT32: type = napi_int32_array; elem = 4; break;
    case TF_BOOL: case TF_UINT8: type = napi_uint8_array; elem = 1; break;
    default: return Throw(env, "cannot return a tensor of TF dtype " + std::to_string(dtype));
  }
  void* out = nullptr;
  napi_value buffer, array, dt, result;
  napi_create_arraybuffer(env, bytes, &out, &buffer);
  if (bytes > 0) std::memcpy(out, TF_TensorData(t), bytes);
  napi_create_typedarray(env, type, bytes / elem, buffer, 0, &array);
  napi_create_int32(env, dtype, &dt);
  napi_create_array_with_length(env, 3, &result);
  napi_set_element(env, result, 0, dt);
  napi_set_element(env, result, 1, shape);
  napi_set_element(env, result, 2, array);
  return result;
}

bool GetOutput(napi_env env, Graph* g, napi_value pair, TF_Output* out, std::string* error) {
  if (!IsArray(env, pair) || Length(env, pair) != 2) { *error = "an op output must be [op, index]"; return false; }
  napi_value a, b;
  int64_t op = -1, index = -1;
  GetElement(env, pair, 0, &a);
  GetElement(env, pair, 1, &b);
  if (!GetInt64(env, a, &op) || !GetInt64(env, b, &index) || op < 0 || op >= static_cast<int64_t>(g->ops.size())) {
    *error = "unknown op in [op, index]";
    return false;
  }
  *out = TF_Output{g->ops[op], static_cast<int>(index)};
  return true;
}

void DeleteGraph(napi_env, void* data, void*) {
  auto* g = static_cast<Graph*>(data);
  TF_DeleteGraph(g->graph);
  delete g;
}

napi_value NewGraph(napi_env env, napi_callback_info) {
  auto* g = new Graph{TF_NewGraph(), {}};
  napi_value result;
  CHECK_NAPI(env, napi_create_external(env, g, DeleteGraph, nullptr, &result));
  return result;
}

bool SetAttr(napi_env env, TF_OperationDescription* desc, napi_value attr, std::string* error) {
  if (!IsArray(env, attr) || Length(env, attr) != 3) { *error = "an attribute must be [name, kind, value]"; return false; }
  napi_value n, k, v;
  GetElement(env, attr, 0, &n);
  GetElement(env, attr, 1, &k);
  GetElement(env, attr, 2, &v);
  std::string name, kind;
  if (!GetString(env, n, &name) || !GetString(env, k, &kind)) { *error = "attribute name and kind must be strings"; return false; }
  const char* nm = name.c_str();
  if (kind == "type" || kind == "int") {
    int64_t value;
    if (!GetInt64(env, v, &value)) { *error = "attribute " + name + " needs an integer"; return false; }
    if (kind == "type") TF_SetAttrType(desc, nm, static_cast<TF_DataType>(value));
    else TF_SetAttrInt(desc, nm, value);
  } else if (kind == "float") {
    double value;
    if (napi_get_value_double(env, v, &value) != napi_ok) { *error = "attribute " + name + " needs a number"; return false; }
    TF_SetAttrFloat(desc, nm, static_cast<float>(value));
  } else if (kind == "bool") {
    bool value;
    if (napi_get_value_bool(env, v, &value) != napi_ok) { *error = "attribute " + name + " needs a boolean"; return false; }
    TF_SetAttrBool(desc, nm, value ? 1 : 0);
  } else if (kind == "string") {
    std::string value;
    if (!GetString(env, v, &value)) { *error = "attribute " + name + " needs a string"; return false; }
    TF_SetAttrString(desc, nm, value.data(), value.size());
  } else if (kind == "shape" || kind == "ints" || kind == "types") {
    std::vector<int64_t> values;
    if (!GetInt64Array(env, v, &values)) { *error = "attribute " + name + " needs an array of integers"; return false; }
    if (kind == "shape") TF_SetAttrShape(desc, nm, values.data(), static_cast<int>(values.size()));
    else if (kind == "ints") TF_SetAttrIntList(desc, nm, values.data(), static_cast<int>(values.size()));
    else {
      std::vector<TF_DataType> t2;
      for (int64_t x : values) t2.push_back(static_cast<TF_DataType>(x));
      TF_SetAttrTypeList(desc, nm, t2.data(), static_cast<int>(t2.size()));
    }
  } else if (kind == "tensor") {
    if (!IsArray(env, v) || Length(env, v) != 3) { *error = "attribute " + name + " needs [dtype, shape, data]"; return false; }
    napi_value d, s, data;
    GetElement(env, v, 0, &d);
    GetElement(env, v, 1, &s);
    GetElement(env, v, 2, &data);
    int64_t dtype;
    if (!GetInt64(env, d, &dtype)) { *error = "attribute " + name + " needs a dtype"; return false; }
    TF_Tensor* t = TensorFromJs(env, static_cast<TF_DataType>(dtype), s, data, error);
    if (!t) return false;
    TF_Status* status = TF_NewStatus();
    TF_SetAttrTensor(desc, nm, t, status);
    TF_DeleteTensor(t);
    bool ok = TF_GetCode(status) == TF_OK;
    if (!ok) *error = TF_Message(status);
    TF_DeleteStatus(status);
    return ok;
  } else {
    *error = "unknown attribute kind " + kind;
    return false;
  }
  return true;
}

napi_value AddOp(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  if (argc < 5) return Throw(env, "addOp(graph, type, name, inputs, attrs, controlInputs?)");
  Graph* g = Unwrap<Graph>(env, args[0]);
  std::string type, name, error;
  if (!g || !GetString(env, args[1], &type) || !GetString(env, args[2], &name)) return Throw(env, "addOp: bad graph, type or name");
  TF_OperationDescription* desc = TF_NewOperation(g->graph, type.c_str(), name.c_str());
  uint32_t nInputs = Length(env, args[3]);
  for (uint32_t i = 0; i < nInputs; i++) {
    napi_value input, first;
    GetElement(env, args[3], i, &input);
    GetElement(env, input, 0, &first);
    if (IsArray(env, first) || Length(env, input) == 0) {  // a list input
      std::vector<TF_Output> list(Length(env, input));
      for (uint32_t j = 0; j < list.size(); j++) {
        napi_value e;
        GetElement(env, input, j, &e);
        if (!GetOutput(env, g, e, &list[j], &error)) return Throw(env, type + " " + name + ": " + error);
      }
      TF_AddInputList(desc, list.data(), static_cast<int>(list.size()));
    } else {
      TF_Output out;
      if (!GetOutput(env, g, input, &out, &error)) return Throw(env, type + " " + name + ": " + error);
      TF_AddInput(desc, out);
    }
  }
  uint32_t nAttrs = Length(env, args[4]);
  for (uint32_t i = 0; i < nAttrs; i++) {
    napi_value attr;
    GetElement(env, args[4], i, &attr);
    if (!SetAttr(env, desc, attr, &error)) return Throw(env, type + " " + name + ": " + error);
  }
  if (argc > 5 && IsArray(env, args[5])) {
    for (uint32_t i = 0, n = Length(env, args[5]); i < n; i++) {
      napi_value e;
      int64_t op;
      GetElement(env, args[5], i, &e);
      if (!GetInt64(env, e, &op) || op < 0 || op >= static_cast<int64_t>(g->ops.size())) return Throw(env, type + " " + name + ": unknown control input");
      TF_AddControlInput(desc, g->ops[op]);
    }
  }
  TF_Status* status = TF_NewStatus();
  TF_Operation* op = TF_FinishOperation(desc, status);
  if (TF_GetCode(status) != TF_OK) {
    std::string message = type + " " + name + ": " + TF_Message(status);
    TF_DeleteStatus(status);
    return Throw(env, message);
  }
  TF_DeleteStatus(status);
  g->ops.push_back(op);
  napi_value result;
  CHECK_NAPI(env, napi_create_int64(env, static_cast<int64_t>(g->ops.size() - 1), &result));
  return result;
}

napi_value NumOutputs(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  Graph* g = Unwrap<Graph>(env, args[0]);
  int64_t op = -1;
  if (!g || !GetInt64(env, args[1], &op) || op < 0 || op >= static_cast<int64_t>(g->ops.size())) return Throw(env, "numOutputs(graph, op)");
  napi_value result;
  CHECK_NAPI(env, napi_create_int32(env, TF_OperationNumOutputs(g->ops[op]), &result));
  return result;
}

void DeleteSession(napi_env, void* data, void*) {
  auto* s = static_cast<Session*>(data);
  if (s->session) {
    TF_Status* status = TF_NewStatus();
    TF_CloseSession(s->session, status);
    TF_DeleteSession(s->session, status);
    TF_DeleteStatus(status);
  }
  delete s;
}

napi_value NewSession(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  Graph* g = Unwrap<Graph>(env, args[0]);
  if (!g) return Throw(env, "newSession(graph, config)");
  TF_SessionOptions* options = TF_NewSessionOptions();
  TF_Status* status = TF_NewStatus();
  bool isTyped = false;
  if (argc > 1) napi_is_typedarray(env, args[1], &isTyped);
  if (isTyped) {
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_value buffer;
    napi_get_typedarray_info(env, args[1], &type, &length, &data, &buffer, &offset);
    TF_SetConfig(options, data, length, status);
    if (TF_GetCode(status) != TF_OK) {
      std::string message = std::string("session config: ") + TF_Message(status);
      TF_DeleteStatus(status);
      TF_DeleteSessionOptions(options);
      return Throw(env, message);
    }
  }
  TF_Session* session = TF_NewSession(g->graph, options, status);
  TF_DeleteSessionOptions(options);
  if (TF_GetCode(status) != TF_OK) {
    std::string message = std::string("new session: ") + TF_Message(status);
    TF_DeleteStatus(status);
    return Throw(env, message);
  }
  TF_DeleteStatus(status);
  napi_value result;
  CHECK_NAPI(env, napi_create_external(env, new Session{session, g}, DeleteSession, nullptr, &result));
  return result;
}

napi_value CloseSession(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  Session* s = Unwrap<Session>(env, args[0]);
  if (!s) return Throw(env, "closeSession(session)");
  if (s->session) {
    TF_Status* status = TF_NewStatus();
    TF_CloseSession(s->session, status);
    TF_DeleteSession(s->session, status);
    TF_DeleteStatus(status);
    s->session = nullptr;
  }
  return nullptr;
}

napi_value Run(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  if (argc < 4) return Throw(env, "run(session, feeds, fetches, targets, runOptions?)");
  TF_Buffer* runOptions = nullptr;
  TF_Buffer* runMetadata = nullptr;
  bool profiled = false;
  if (argc > 4) napi_is_typedarray(env, args[4], &profiled);
  auto freeBuffers = [&]() {
    if (runOptions) TF_DeleteBuffer(runOptions);
    if (runMetadata) TF_DeleteBuffer(runMetadata);
  };
  Session* s = Unwrap<Session>(env, args[0]);
  if (!s || !s->session) return Throw(env, "run: the session is closed");
  Graph* g = s->graph;
  std::string error;
  std::vector<TF_Output> feedOuts, fetchOuts;
  std::vector<TF_Tensor*> feedValues;
  std::vector<TF_Operation*> targets;
  auto freeFeeds = [&]() { for (TF_Tensor* t : feedValues) TF_DeleteTensor(t); };
  for (uint32_t i = 0, n = Length(env, args[1]); i < n; i++) {
    napi_value feed, e[5];
    GetElement(env, args[1], i, &feed);
    if (Length(env, feed) != 5) { freeFeeds(); return Throw(env, "a feed must be [op, index, dtype, shape, data]"); }
    for (uint32_t j = 0; j < 5; j++) GetElement(env, feed, j, &e[j]);
    int64_t op, index, dtype;
    if (!GetInt64(env, e[0], &op) || !GetInt64(env, e[1], &index) || !GetInt64(env, e[2], &dtype) || op < 0 || op >= static_cast<int64_t>(g->ops.size())) {
      freeFeeds();
      return Throw(env, "a feed must be [op, index, dtype, shape, data]");
    }
    TF_Tensor* t = TensorFromJs(env, static_cast<TF_DataType>(dtype), e[3], e[4], &error);
    if (!t) { freeFeeds(); return Throw(env, "feed " + std::string(TF_OperationName(g->ops[op])) + ": " + error); }
    feedOuts.push_back(TF_Output{g->ops[op], static_cast<int>(index)});
    feedValues.push_back(t);
  }
  for (uint32_t i = 0, n = Length(env, args[2]); i < n; i++) {
    napi_value e;
    TF_Output out;
    GetElement(env, args[2], i, &e);
    if (!GetOutput(env, g, e, &out, &error)) { freeFeeds(); return Throw(env, "fetch: " + error); }
    fetchOuts.push_back(out);
  }
  for (uint32_t i = 0, n = Length(env, args[3]); i < n; i++) {
    napi_value e;
    int64_t op;
    GetElement(env, args[3], i, &e);
    if (!GetInt64(env, e, &op) || op < 0 || op >= static_cast<int64_t>(g->ops.size())) { freeFeeds(); return Throw(env, "unknown target op"); }
    targets.push_back(g->ops[op]);
  }
  std::vector<TF_Tensor*> fetched(fetchOuts.size(), nullptr);
  if (profiled) {  // allocated here: every earlier return has nothing to free
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_value buffer;
    napi_get_typedarray_info(env, args[4], &type, &length, &data, &buffer, &offset);
    runOptions = TF_NewBufferFromString(data, length);
    runMetadata = TF_NewBuffer();
  }
  TF_Status* status = TF_NewStatus();
  TF_SessionRun(s->session, runOptions, feedOuts.data(), feedValues.data(), static_cast<int>(feedOuts.size()), fetchOuts.data(), fetched.data(),
                static_cast<int>(fetchOuts.size()), targets.data(), static_cast<int>(targets.size()), runMetadata, status);
  freeFeeds();
  if (TF_GetCode(status) != TF_OK) {
    std::string message = std::string("session run: ") + TF_Message(status);
    TF_DeleteStatus(status);
    freeBuffers();
    for (TF_Tensor* t : fetched) if (t) TF_DeleteTensor(t);
    return Throw(env, message);
  }
  TF_DeleteStatus(status);
  napi_value result;
  napi_create_array_with_length(env, fetched.size(), &result);
  for (size_t i = 0; i < fetched.size(); i++) {
    napi_value v = TensorToJs(env, fetched[i]);
    TF_DeleteTensor(fetched[i]);
    if (!v) {
      for (size_t j = i + 1; j < fetched.size(); j++) TF_DeleteTensor(fetched[j]);
      freeBuffers();
      return nullptr;
    }
    napi_set_element(env, result, static_cast<uint32_t>(i), v);
  }
  if (!profiled) return result;
  void* bytes = nullptr;
  napi_value metaBuffer, meta, pair;
  napi_create_arraybuffer(env, runMetadata->length, &bytes, &metaBuffer);
  if (runMetadata->length > 0) std::memcpy(bytes, runMetadata->data, runMetadata->length);
  napi_create_typedarray(env, napi_uint8_array, runMetadata->length, metaBuffer, 0, &meta);
  freeBuffers();
  napi_create_array_with_length(env, 2, &pair);
  napi_set_element(env, pair, 0, result);
  napi_set_element(env, pair, 1, meta);
  return pair;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"newGraph", nullptr, NewGraph, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addOp", nullptr, AddOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"numOutputs", nullptr, NumOutputs, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"newSession", nullptr, NewSession, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closeSession", nullptr, CloseSession, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"run", nullptr, Run, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_value version;
  napi_create_string_utf8(env, TF_Version(), NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "tensorflowVersion", version);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
