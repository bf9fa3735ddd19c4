"""Reading YAML data files: the safe subset only, parsed by libyaml when PyYAML was built with it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast

import yaml

T = TypeVar("T")

if TYPE_CHECKING:
    SafeLoader = yaml.SafeLoader
    ComposingSafeLoader = yaml.SafeLoader
elif getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    #: libyaml's parser with PyYAML's safe constructor (several times faster than the pure-Python
    #: parser on our data files), else the pure-Python ``yaml.SafeLoader``: the same safe subset
    SafeLoader = yaml.CSafeLoader

    class ComposingSafeLoader(Composer, CParser, SafeConstructor, Resolver):
        """libyaml's scanner and parser (the costly part), PyYAML's own composer and safe constructor:
        as fast as ``SafeLoader`` on the forms, and a subclass can override ``compose_node`` (to limit
        nesting while composing, say), which libyaml's composer never calls."""

        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
else:
    SafeLoader = ComposingSafeLoader = yaml.SafeLoader


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load``, on the faster of the two safe loaders."""
    loader = SafeLoader(stream)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_data_file(path: Path | str, build: Callable[[Any], T]) -> T:
    """``build(safe_load(file))``, made once per version of the file (its path, size and modification
    time) and shared: ``build`` must return an immutable value. The composition root builds several
    services that each read the same data files; a changed file is read and checked again."""
    path = Path(path).resolve()
    stat = path.stat()
    return cast(T, _load_version(path, stat.st_mtime_ns, stat.st_size, build))


@functools.lru_cache(maxsize=32)
def _load_version(path: Path, _mtime_ns: int, _size: int, build: Callable[[Any], Any]) -> Any:
    with path.open(encoding="utf-8") as handle:
        return build(safe_load(handle))
