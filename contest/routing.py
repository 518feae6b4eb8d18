"""URL rules whose URL builders are compiled once per process, however many apps it creates."""
from __future__ import annotations

from typing import Any, Callable

from werkzeug.routing import Rule


class SharedBuilderRule(Rule):
    """A URL rule that reuses the URL builder compiled for the same rule by an earlier app.

    Binding a rule, Werkzeug writes two Python functions that build its URLs (with and
    without extra query arguments) and compiles them: about 0.5 ms a rule, most of the
    time an app takes to create (each test creates one; so do ``contest`` commands that
    create several). The function's code depends only on the rule's parsed parts and on
    its defaults; at call time it reads the converters of the rule it is bound to. So
    one compiled per distinct rule serves every app's copy of it.
    """

    _builders: dict[tuple, Callable[..., tuple[str, str]]] = {}

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        key = (append_unknown, self.rule, tuple(self._trace), self._builder_defaults())
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder

    def _builder_defaults(self) -> tuple[tuple[str, Any], ...]:
        """The defaults as the compiled code holds them: a default for a part of the rule
        becomes that part's text (as its converter writes it); any other, only its name."""
        return tuple((name, self._converters[name].to_url(value) if name in self._converters else None)
                     for name, value in (self.defaults or {}).items())
