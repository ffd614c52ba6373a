"""Reads a .tflite file's TFLite Model Metadata with TFLite Support's own reader
(tflite_support.metadata.MetadataDisplayer), the one Model Maker and Android's Task
Library tooling use, and prints what an app would see: name, version, normalization,
image size and the labels. Exit 1 if the metadata or the labels file is missing.

Usage: $(bash bench/python/setup_metadata_venv.sh) bench/python/check_metadata.py model.tflite [--json]
"""
import json
import sys

from tflite_support import metadata


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    path = argv[0]
    displayer = metadata.MetadataDisplayer.with_model_file(path)
    meta = json.loads(displayer.get_metadata_json())
    packed = displayer.get_packed_associated_file_list()
    subgraph = meta["subgraph_metadata"][0]
    image = subgraph["input_tensor_metadata"][0]
    scores = subgraph["output_tensor_metadata"][0]
    norm = next(u["options"] for u in image.get("process_units", []) if u["options_type"] == "NormalizationOptions")
    size = image["content"]["content_properties"].get("default_size", {})
    labels_file = next(f["name"] for f in scores.get("associated_files", []) if f["type"] == "TENSOR_AXIS_LABELS")
    labels = displayer.get_associated_file_buffer(labels_file).decode("utf-8").splitlines()
    summary = {
        "file": path,
        "name": meta.get("name"),
        "version": meta.get("version"),
        "min_parser_version": meta.get("min_parser_version"),
        "image": f'{size.get("width")}x{size.get("height")} {image["content"]["content_properties"].get("color_space")}',
        "normalization": {"mean": norm["mean"], "std": norm["std"]},
        "packed_files": packed,
        "labels": labels,
    }
    if "--json" in argv:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 0 if labels and labels_file in packed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
