"""Command line: ``python3 -m tunet_client publish-dir DIR`` and ``publish-field ID RED GREEN BLUE YELLOW``.

Exit status: 0 published; 1 input refused (nothing of the refused field was sent; for ``publish-dir``, a
problem found while scanning means nothing at all was sent); 2 bad usage; 3 Kafka or the blob store failed.
"""

import argparse
import os
import sys

from . import hpa
from .errors import InputError, PublishError, SchemaError, TunetClientError
from .images import inspect_file
from .publisher import DEFAULT_INLINE_LIMIT, Publisher
from .stains import Stain

ROWS = "ABCDEFGH"
COLUMNS = 12


def plate_position(prefix, index):
    """Where the ``index``-th field of a directory goes, as the simulator's ``PlateLayout(prefix, 1)`` puts it:
    96-well plates ``<prefix>-P1``, ``-P2`` …, wells row by row, one field per well."""
    plate, well = divmod(index, len(ROWS) * COLUMNS)
    row, column = divmod(well, COLUMNS)
    return f"{prefix}-P{plate + 1}", f"{ROWS[row]}{column + 1:02d}", 1


def _metadata(pairs):
    metadata = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--metadata wants KEY=VALUE, got {pair!r}")
        metadata[key] = value
    return metadata


def _parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--bootstrap-servers", default=os.environ.get("KAFKA_BOOTSTRAP", "localhost:9092"),
                        help="Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP or localhost:9092)")
    common.add_argument("--topic", default="acquisitions", help="topic (default: acquisitions)")
    common.add_argument("--instrument", default="python-client", help="instrument id (default: python-client)")
    common.add_argument("--cell-line", help="cell line recorded on every acquisition")
    common.add_argument("--metadata", action="append", metavar="KEY=VALUE",
                        help="free metadata on every acquisition; repeatable")
    common.add_argument("--blob-root", help="the line's blob-store directory: stains above --inline-limit are "
                        "written there and referenced (claim check). Without it every stain is sent inline and "
                        "one too large for a 4 MiB record is refused")
    common.add_argument("--inline-limit", type=int, default=DEFAULT_INLINE_LIMIT,
                        help=f"with --blob-root, stains larger than this many bytes go through the blob store "
                        f"(default: {DEFAULT_INLINE_LIMIT})")
    common.add_argument("--schema-dir", help="the project's schemas/src/main/avro (default: $TUNET_SCHEMA_DIR or "
                        "the repository this client sits in)")
    common.add_argument("--connect-timeout", type=float, default=10.0,
                        help="seconds to wait for the broker (default: 10)")
    common.add_argument("--delivery-timeout", type=float, default=120.0,
                        help="seconds Kafka has to acknowledge a stain (default: 120)")

    parser = argparse.ArgumentParser(prog="python3 -m tunet_client",
                                     description="Publish four-stain fields to the TUNet Stream line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    directory = commands.add_parser("publish-dir", parents=[common], help="publish every field of an HPA-layout "
                                    "directory", description="Publish every field of an HPA-layout directory "
                                    "(<id>_red|green|blue|yellow.<png|tif|tiff|jpg|jpeg>; train.csv and other "
                                    "files are ignored) with sample id = <id>. Every field is checked before "
                                    "anything is sent.")
    directory.add_argument("directory")
    directory.add_argument("--plate", default="HPA", help="plate prefix: fields fill 96-well plates "
                           "<plate>-P1, <plate>-P2 … well by well (default: HPA)")
    field = commands.add_parser("publish-field", parents=[common], help="publish one field from four files",
                                description="Publish one field: four image files, one per stain.")
    field.add_argument("sample_id", metavar="ID")
    for stain in Stain:
        field.add_argument(stain.suffix, metavar=stain.suffix.upper(), help=f"the {stain.suffix} stain's file")
    field.add_argument("--plate", default="HPA", help="plate barcode (default: HPA)")
    field.add_argument("--well", default="A01", help="well name (default: A01)")
    field.add_argument("--field", type=int, default=1, help="field number within the well (default: 1)")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        metadata = _metadata(args.metadata)
        if args.command == "publish-dir":
            fields = hpa.scan(args.directory)
        else:
            hpa.require_safe_id(args.sample_id)
            fields = [(args.sample_id, {stain: getattr(args, stain.suffix) for stain in Stain})]
        _check_headers(fields)
        with Publisher(args.bootstrap_servers, instrument_id=args.instrument, blob_root=args.blob_root,
                       inline_limit=args.inline_limit, topic=args.topic, schema_dir=args.schema_dir,
                       connect_timeout=args.connect_timeout, delivery_timeout=args.delivery_timeout) as publisher:
            sent = 0
            for index, (sample_id, stains) in enumerate(fields):
                if args.command == "publish-dir":
                    plate, well, number = plate_position(args.plate, index)
                else:
                    plate, well, number = args.plate, args.well, args.field
                try:
                    done = publisher.publish_field(sample_id, stains, plate=plate, well=well, field=number,
                                                   cell_line=args.cell_line, metadata=metadata)
                except TunetClientError:
                    if sent:
                        print(f"{sent} field(s) before it were published", file=sys.stderr)
                    raise
                sent += 1
                print(f"{sample_id}: {plate} {well} field {number}, 4 stains acknowledged "
                      f"({done.inline_count} inline, {done.blob_count} via the blob store)", flush=True)
        print(f"published {sent} field(s), {4 * sent} acquisitions, to {args.topic} at {args.bootstrap_servers}")
        return 0
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (PublishError, SchemaError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 3


def _check_headers(fields):
    problems = []
    for sample_id, stains in fields:
        for stain in Stain:
            try:
                inspect_file(stains[stain])
            except InputError as e:
                problems.append(f"{sample_id} {stain.suffix}: {e}")
    if problems:
        raise InputError("nothing was sent; these stains cannot be published:\n  " + "\n  ".join(problems))
