"""`Record`: a frozen value class, like `@dataclass(frozen=True)` for the hot path.

`dataclasses` imports `inspect`, about 5 ms on every `asw` and prompt-free switch; this does
the part we use (ordered fields with defaults, keyword or positional construction, equality,
hashing, repr, immutability) in a few lines of plain Python.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """Subclasses declare fields as annotated class attributes; a value is the default."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Own annotations only (not inherited); strings under `from __future__ import
        # annotations`. Not inspect.get_annotations: importing inspect is the cost we avoid.
        annotations = cls.__dict__.get("__annotations__")  # noqa: RUF063
        if annotations is None:  # Python >= 3.14 builds them lazily
            annotations = getattr(cls, "__annotations__", {})
        own = [n for n, kind in annotations.items() if not str(kind).startswith("ClassVar")]
        cls._fields = (*cls._fields, *own)
        defaults = dict(cls._defaults)
        for n in own:
            if n in cls.__dict__:
                defaults[n] = cls.__dict__[n]
                delattr(cls, n)  # instances hold the value; no class attribute shadowing
        cls._defaults = defaults

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes at most {len(fields)} arguments")
        values = dict(zip(fields, args, strict=False))
        for k, v in kwargs.items():
            if k not in fields:
                raise TypeError(f"{type(self).__name__} has no field {k!r}")
            if k in values:
                raise TypeError(f"{type(self).__name__} got {k!r} twice")
            values[k] = v
        for n in fields:
            if n not in values:
                if n not in self._defaults:
                    raise TypeError(f"{type(self).__name__} needs {n!r}")
                values[n] = self._defaults[n]
        self.__dict__.update(values)

    def _astuple(self) -> tuple[Any, ...]:
        d = self.__dict__
        return tuple(d[n] for n in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._astuple() == other._astuple()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={self.__dict__[n]!r}" for n in self._fields)
        return f"{type(self).__name__}({inner})"
