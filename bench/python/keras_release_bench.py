"""Keras 2.21 reference for bench/release.ts: one whole `model.fit` of a release recipe.

Times what a user meets: build, compile and fit for the recipe's epochs and batch size
(no separate warm-up), on the same MNIST images as liteship's train step.
  mlp:   Flatten -> Dense(128, relu) -> Dense(10, softmax)
  cnn:   Conv2D(8, 3, relu) -> MaxPool(2) -> Conv2D(16, 3, relu) -> MaxPool(2) -> Flatten -> Dense(10, softmax)
  dwsep: Conv2D(16, 3, relu) -> [DepthwiseConv2D(3, relu) -> Conv2D(c, 1, relu)] x2 (c = 32, 64, pool between)
         -> GlobalAveragePooling2D -> Dense(10, softmax)   (MobileNet-style depthwise-separable blocks)
  mobilenet: keras.applications.MobileNetV2(alpha=0.35, 32x32x3, no weights, 10 classes) on MNIST padded
         to 32x32 and repeated over 3 channels (as liteship's mobilenet-v2 architecture is trained)
  Adam(0.001), categorical cross-entropy, accuracy metric, shuffled batches.

Usage: python keras_release_bench.py --arch cnn --epochs 3 --batch 64 --images IDX --labels IDX [--samples 60000]
Prints one JSON line: {"arch", "seconds", "samplesPerSec", "epochs", "epochSeconds", "batch", "samples", "tensorflowVersion"}.
"""
import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def build(arch: str) -> tf.keras.Model:
    layers = tf.keras.layers
    if arch == "mobilenet":
        model = tf.keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None, classes=10)
        model.compile(optimizer=tf.keras.optimizers.Adam(0.001), loss="categorical_crossentropy", metrics=["accuracy"])
        return model
    if arch == "mlp":
        body = [layers.Flatten(), layers.Dense(128, activation="relu")]
    elif arch == "cnn":
        body = [
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
        ]
    else:
        body = [
            layers.Conv2D(16, 3, activation="relu"),
            layers.DepthwiseConv2D(3, activation="relu"),
            layers.Conv2D(32, 1, activation="relu"),
            layers.MaxPooling2D(2),
            layers.DepthwiseConv2D(3, activation="relu"),
            layers.Conv2D(64, 1, activation="relu"),
            layers.GlobalAveragePooling2D(),
        ]
    model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), *body, layers.Dense(10, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.001), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def read_idx(path: str) -> np.ndarray:
    with open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=["mlp", "cnn", "dwsep", "mobilenet"], required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--images", required=True)
    parser.add_argument("--labels", required=True)
    args = parser.parse_args()

    x = read_idx(args.images)[: args.samples].astype(np.float32)[..., None] / 255.0
    if args.arch == "mobilenet":
        x = np.repeat(np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0))), 3, axis=3)
    y = np.eye(10, dtype=np.float32)[read_idx(args.labels)[: args.samples].astype(np.int64)]
    epoch_seconds = []

    class EpochTimer(tf.keras.callbacks.Callback):
        # Per-epoch wall time: the first epoch includes tracing and compiling the train function.
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_seconds.append(time.perf_counter() - self.start)

    start = time.perf_counter()
    model = build(args.arch)
    model.fit(x, y, batch_size=args.batch, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[EpochTimer()])
    seconds = time.perf_counter() - start
    print(json.dumps({
        "arch": args.arch,
        "seconds": seconds,
        "samplesPerSec": len(x) * args.epochs / seconds,
        "epochs": args.epochs,
        "epochSeconds": epoch_seconds,
        "batch": args.batch,
        "samples": len(x),
        "tensorflowVersion": tf.__version__,
    }))


if __name__ == "__main__":
    main()
