"""URL rules share their compiled URL builders between apps and build the same URLs as Werkzeug's own."""
from __future__ import annotations

import pytest
from werkzeug.routing import Map, Rule

from contest import create_app
from contest.bad_input import BoundedIntegerConverter
from contest.routing import SharedBuilderRule


def rules(rule_class: type) -> list[Rule]:
    return [
        rule_class("/", endpoint="home"),
        rule_class("/c/<slug>/entries/<code>", endpoint="entry"),
        rule_class("/c/<slug>/ranking", endpoint="ranking", defaults={"page": 1}),
        rule_class("/c/<slug>/ranking/<int:page>", endpoint="ranking"),
        rule_class("/list/<int:page>", endpoint="list_one", defaults={"page": 1}),
        rule_class("/files/<path:name>", endpoint="file"),
        rule_class("/n/<int(min=3):n>/<float:x>", endpoint="numbers"),
        rule_class("/only/<any(pdf, png):fmt>", endpoint="format"),
        rule_class("/at/<slug>", endpoint="sub", subdomain="<org>"),
    ]


def url_map(rule_class: type) -> Map:
    return Map(rules(rule_class), converters={"int": BoundedIntegerConverter})


BUILDS = [
    ("home", {}), ("home", {"q": "Đỗ Thị Hà", "page": 2}),
    ("entry", {"slug": "dvk-2022", "code": "DVK 001/ä"}),
    ("ranking", {"slug": "dvk-2022"}), ("ranking", {"slug": "dvk-2022", "page": 1}),
    ("ranking", {"slug": "dvk-2022", "page": 3, "method": "zscore"}),
    ("list_one", {}), ("list_one", {"page": 1}),
    ("file", {"name": "a b/c.pdf"}), ("numbers", {"n": 5, "x": 2.5}),
    ("format", {"fmt": "png"}), ("sub", {"org": "hp", "slug": "x"}),
]


@pytest.mark.parametrize("endpoint, values", BUILDS)
def test_a_shared_builder_builds_the_url_werkzeugs_own_builds(endpoint, values):
    plain = url_map(Rule).bind("contest.example.vn", "/")
    first, second = (url_map(SharedBuilderRule).bind("contest.example.vn", "/") for _ in range(2))
    expected = plain.build(endpoint, values, force_external=True)
    assert first.build(endpoint, values, force_external=True) == expected
    assert second.build(endpoint, values, force_external=True) == expected


def test_a_second_map_reuses_every_builder_and_a_different_default_gets_its_own():
    first, second = url_map(SharedBuilderRule), url_map(SharedBuilderRule)
    for a, b in zip(first.iter_rules(), second.iter_rules(), strict=True):
        assert a._build.__func__ is b._build.__func__
        assert a._build_unknown.__func__ is b._build_unknown.__func__
        assert a._build.__self__ is a and b._build.__self__ is b
    one, two = (Map([SharedBuilderRule("/list/<int:page>", endpoint="list", defaults={"page": n})])
                for n in (1, 2))
    assert one.bind("x").build("list", {}) == "/list/1"
    assert two.bind("x").build("list", {}) == "/list/2"


def test_every_route_of_a_second_app_reuses_the_first_apps_builders(tmp_path):
    from config import TestConfig

    class Config(TestConfig):
        INSTANCE_PATH = tmp_path / "instance"
        UPLOAD_FOLDER = tmp_path / "instance" / "uploads"

    first, second = create_app(Config), create_app(Config)
    shared = {(r.rule, r.endpoint): r._build_unknown.__func__ for r in first.url_map.iter_rules()}
    ours = [r for r in second.url_map.iter_rules() if isinstance(r, SharedBuilderRule)]
    assert len(ours) > 50 and all(type(r) is SharedBuilderRule or r.endpoint == "static"
                                  for r in second.url_map.iter_rules())
    assert all(shared[(r.rule, r.endpoint)] is r._build_unknown.__func__ for r in ours)
