#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validates iommu-report JSON documents against docs/iommu-report.schema.json.

usage: schema-check.py [--schema SCHEMA] FILE...   ("-" reads stdin)

Exit status: 0 every document is valid; 1 a document is not (each error is
printed as FILE: PATH: message); 2 bad usage, unreadable file or bad schema;
77 the jsonschema module is missing (Debian: apt-get install python3-jsonschema),
the exit status that ctest and automake take as "skipped".
"""
import argparse
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("schema-check: the python3 jsonschema module is missing "
          "(Debian: apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(77)

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs",
                              "iommu-report.schema.json")


def load(path):
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def where(err):
    return "/" + "/".join(str(p) for p in err.absolute_path)


def main():
    ap = argparse.ArgumentParser(description="Validate iommu-report JSON documents.")
    ap.add_argument("--schema", default=DEFAULT_SCHEMA)
    ap.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args()

    try:
        schema = load(args.schema)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"{args.schema}: bad schema: {e}", file=sys.stderr)
        return 2
    validator = cls(schema)

    status = 0
    for path in args.files:
        try:
            doc = load(path)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read JSON: {e}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for err in errors:
            print(f"{path}: {where(err)}: {err.message}", file=sys.stderr)
        if errors:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
