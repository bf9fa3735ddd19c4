"""Reading YAML data files: the safe subset only, parsed by libyaml when PyYAML was built with it."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    SafeLoader = yaml.SafeLoader
else:
    #: libyaml's parser with PyYAML's safe constructor (several times faster than the pure-Python
    #: parser on our data files), else the pure-Python ``yaml.SafeLoader``: the same safe subset
    SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load``, on the faster of the two safe loaders."""
    loader = SafeLoader(stream)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
