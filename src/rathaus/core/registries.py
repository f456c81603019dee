"""A tiny plugin registry: extension points own one, implementations register into it."""

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str) -> Callable[[T], T]:
        def decorator(item: T) -> T:
            if key in self._items:
                raise KeyError(f"{self.name}: {key!r} is already registered")
            self._items[key] = item
            return item

        return decorator

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(f"{self.name}: unknown {key!r} (registered: {known})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __contains__(self, key: object) -> bool:
        return key in self._items
