"""Frozen value classes for the hot path, like `@dataclass(frozen=True)` without its imports.

`dataclasses` imports `inspect`, about 5 ms on every `asw` and prompt-free switch; these do the
part we use (ordered fields with defaults, keyword or positional construction, equality,
hashing, repr, immutability) in a few lines of plain Python:
- `Record` keeps its fields in the instance `__dict__`;
- `TupleRecord` is a tuple (as `namedtuple` is, without importing `collections`), for classes
  made by the ten thousand: `Cls._make(row)` builds one in C, several times cheaper.
"""

from __future__ import annotations

# Annotation-only imports: typing costs milliseconds on every `asw` and `init`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, ClassVar, TypeVar

    _T = TypeVar("_T", bound="TupleRecord")

try:  # namedtuple's C field accessor (CPython >= 3.8)
    from _collections import _tuplegetter
except ImportError:  # pragma: no cover - other implementations

    def _tuplegetter(index: int, doc: str | None) -> Any:
        return property(lambda self: tuple.__getitem__(self, index), doc=doc)


def _declare_fields(cls: Any) -> None:
    """Add `cls`'s own fields (annotated, not `ClassVar`) and their defaults, taken off the
    class, to those it inherits (`_fields`, `_defaults`)."""
    # Own annotations only (not inherited); strings under `from __future__ import
    # annotations`. Not inspect.get_annotations: importing inspect is the cost we avoid.
    annotations = cls.__dict__.get("__annotations__")  # noqa: RUF063
    if annotations is None:  # Python >= 3.14 builds them lazily
        annotations = getattr(cls, "__annotations__", {})
    own = [n for n, kind in annotations.items() if not str(kind).startswith("ClassVar")]
    defaults: dict[str, Any] = {}
    for n in own:
        if n in cls.__dict__:
            defaults[n] = cls.__dict__[n]
            delattr(cls, n)  # instances hold the value; no class attribute shadowing
    cls._fields = (*cls._fields, *own)
    cls._defaults = {**cls._defaults, **defaults}


def _frozen(self: object, name: str, value: object = None) -> None:
    """`__setattr__` and `__delattr__` of a frozen class."""
    raise AttributeError(f"{type(self).__name__} is frozen")


def _values(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Field name -> value for a construction call, checked like a dataclass's `__init__`."""
    fields = cls._fields
    if len(args) > len(fields):
        raise TypeError(f"{cls.__name__} takes at most {len(fields)} arguments")
    values = dict(zip(fields, args, strict=False))
    for k, v in kwargs.items():
        if k not in fields:
            raise TypeError(f"{cls.__name__} has no field {k!r}")
        if k in values:
            raise TypeError(f"{cls.__name__} got {k!r} twice")
        values[k] = v
    for n in fields:
        if n not in values:
            if n not in cls._defaults:
                raise TypeError(f"{cls.__name__} needs {n!r}")
            values[n] = cls._defaults[n]
    return values


class Record:
    """Subclasses declare fields as annotated class attributes; a value is the default."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _declare_fields(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.update(_values(type(self), args, kwargs))

    def _astuple(self) -> tuple[Any, ...]:
        d = self.__dict__
        return tuple(d[n] for n in self._fields)

    __setattr__ = __delattr__ = _frozen

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._astuple() == other._astuple()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={self.__dict__[n]!r}" for n in self._fields)
        return f"{type(self).__name__}({inner})"


class TupleRecord(tuple):
    """`Record`'s behaviour on a tuple. Subclasses declare fields the same way, plus
    `__slots__ = ()` (no per-instance `__dict__`). Equal only to the same class, like `Record`
    (a namedtuple equals any tuple of the same values); ordered like a tuple."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _declare_fields(cls)
        for i, n in enumerate(cls._fields):
            setattr(cls, n, _tuplegetter(i, None))

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        values = _values(cls, args, kwargs)
        return tuple.__new__(cls, [values[n] for n in cls._fields])

    @classmethod
    def _make(cls: type[_T], row: Iterable[Any]) -> _T:
        """One from its field values in order; ValueError on a wrong count."""
        made = tuple.__new__(cls, row)
        if len(made) != len(cls._fields):
            raise ValueError(f"{cls.__name__} needs {len(cls._fields)} values, not {len(made)}")
        return made

    def __getnewargs__(self) -> tuple[Any, ...]:  # copy and pickle go through __new__
        return tuple(self)

    def _astuple(self) -> tuple[Any, ...]:
        return tuple(self)

    __setattr__ = __delattr__ = _frozen

    # Not NotImplemented for another type: Python would then compare the two as tuples.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and tuple.__eq__(self, other)  # type: ignore[return-value]

    def __ne__(self, other: object) -> bool:
        return type(other) is not type(self) or tuple.__ne__(self, other)  # type: ignore[return-value]

    __hash__ = tuple.__hash__  # the hash of the field values, as Record's

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(self._fields, self, strict=True))
        return f"{type(self).__name__}({inner})"
