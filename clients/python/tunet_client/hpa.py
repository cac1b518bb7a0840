"""Scanning an HPA-layout directory: ``<Id>_red|green|blue|yellow.<png|tif|tiff|jpg|jpeg>``.

A ``train.csv`` or any other file that does not follow the pattern is ignored. Every field must have all four
stains, each in exactly one file; ids must be safe sample ids. All of that is checked for the whole
directory before anything is published.
"""

import re
from pathlib import Path

from .errors import InputError
from .stains import Stain

EXTENSIONS = ("png", "tif", "tiff", "jpg", "jpeg")

# the line's rule for sample ids (HpaDirectory.isSafeId): a file-name stem that cannot name another directory
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_STAIN_FILE = re.compile(r"(?P<id>.+)_(?P<stain>red|green|blue|yellow)\.(?P<ext>" + "|".join(EXTENSIONS) + r")")


def is_safe_id(sample_id) -> bool:
    return isinstance(sample_id, str) and bool(_SAFE_ID.fullmatch(sample_id)) and ".." not in sample_id


def require_safe_id(sample_id, what="sample id"):
    if not is_safe_id(sample_id):
        raise InputError(f"{what} {sample_id!r} is not a safe sample id (letters, digits, '.', '_' and '-', "
                         "starting with a letter or digit, no '..', at most 200 characters)")


def scan(directory):
    """The fields of an HPA-layout directory, sorted by id.

    :return: list of ``(sample_id, {Stain: Path})``
    :raises InputError: if it is not a directory, has no stain files, or a field lacks a stain, has two
        files for one stain, or has an unsafe id (every problem found is listed)
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"not a directory: {directory}")
    fields = {}
    problems = []
    for path in sorted(directory.iterdir()):
        match = _STAIN_FILE.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        stain = Stain.from_suffix(match["stain"])
        stains = fields.setdefault(match["id"], {})
        if stain in stains:
            problems.append(f"{match['id']}: two {match['stain']} files, {stains[stain].name} and {path.name}")
        stains.setdefault(stain, path)
    if not fields:
        raise InputError(f"{directory} holds no stain files (<id>_red|green|blue|yellow."
                         f"{'|'.join(EXTENSIONS)})")
    for sample_id, stains in fields.items():
        if not is_safe_id(sample_id):
            problems.append(f"{sample_id!r} is not a safe sample id (letters, digits, '.', '_', '-')")
        for stain in Stain:
            if stain not in stains:
                problems.append(f"{sample_id}: missing stain file {directory / (sample_id + '_' + stain.suffix)}"
                                f".<{'|'.join(EXTENSIONS)}>")
    if problems:
        raise InputError(f"{directory} cannot be published; nothing was sent:\n  " + "\n  ".join(problems))
    return [(sample_id, fields[sample_id]) for sample_id in sorted(fields)]
