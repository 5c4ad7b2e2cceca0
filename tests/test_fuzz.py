"""Issue 15 item 7: no input makes a page answer 5xx.

For every URL pattern of the authorization matrix (its URL builders, its roles), the test
finds which query parameters, form fields and files the view reads, by recording every key
it looks up in ``request.GET``, ``request.POST`` and ``request.FILES`` while answering
(rounds of requests until no new key shows up, so fields read only when another field is
present are found too). Hypothesis then sends random text, numbers and unicode in all of
them, by GET and by POST, and every answer must be below 500. Each example runs in a
savepoint that is rolled back, so one example's writes do not change the next one's
starting point.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.authz import Case, case_url, log_in, modules
from tests.conftest import World, build_world

EXAMPLES_PER_URL = 3
DISCOVERY_ROUNDS = 4
# Who fuzzes a URL: the first of these roles that may use it (a 2xx or 3xx in the matrix).
ROLE_PREFERENCE = (
    "leader",
    "site_admin",
    "course_admin",
    "handler",
    "member",
    "faction_leader",
    "outsider",
    "anonymous",
)
# Values that broke hand-written conversions elsewhere, mixed with what hypothesis makes up.
TRICKY = [
    "",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e9",
    "99999999999999999999999",
    "٣",
    "１２",
    "𝟙",
    "\x00",
    "null",
    "../../etc/passwd",
    "2024-13-45",
    "31.02.2024",
    "25:99",
    "<script>x</script>",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "Linje\r\nBcc: x@example.org",
    "ja",
    "on",
    "true",
]
VALUES = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.dates().map(str),
)
FILES = st.builds(
    lambda content, name: SimpleUploadedFile(name or "x", content),
    st.binary(max_size=200),
    st.sampled_from(["", "x.pdf", "x.exe", "../../x", "æøå.txt", "a" * 300]),
)


# --- what a view reads -----------------------------------------------------------------
QUERY, BODY, FILE = "query", "body", "files"


@dataclass
class Reads:
    """The keys a view looked up, by where (query string, form body, files); ``gates`` are
    those only tested for presence (``"x" in request.POST``), which often choose a branch."""

    keys: dict[str, set[str]] = field(
        default_factory=lambda: {QUERY: set(), BODY: set(), FILE: set()}
    )
    gates: set[tuple[str, str]] = field(default_factory=set)

    def add(self, other: Reads) -> bool:
        """Merge; True when something new came in."""
        before = (sum(map(len, self.keys.values())), len(self.gates))
        for kind, names in other.keys.items():
            self.keys[kind] |= names
        self.gates |= other.gates
        return (sum(map(len, self.keys.values())), len(self.gates)) != before


_recording = threading.local()


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    reads = Reads()
    _recording.reads = reads
    try:
        yield reads
    finally:
        _recording.reads = None


def _noting(method: Callable[..., Any], *, gate: bool) -> Callable[..., Any]:
    def wrapper(self: MultiValueDict[str, Any], key: Any, *args: Any) -> Any:
        reads: Reads | None = getattr(_recording, "reads", None)
        kind = getattr(self, "_fuzz_kind", None)
        if reads is not None and kind is not None and isinstance(key, str) and key:
            reads.keys[kind].add(key)
            if gate:
                reads.gates.add((kind, key))
        return method(self, key, *args)

    return wrapper


@pytest.fixture
def _record_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tag the request's own GET, POST and FILES, and note every key looked up in them."""
    for name in ("__getitem__", "get", "getlist", "__contains__"):
        original = getattr(MultiValueDict, name)
        monkeypatch.setattr(MultiValueDict, name, _noting(original, gate=name == "__contains__"))

    query = WSGIRequest.__dict__["GET"].func

    def tagged_query(self: WSGIRequest) -> QueryDict:
        result = query(self)
        result._fuzz_kind = QUERY  # type: ignore[attr-defined]
        return result

    prop = cached_property(tagged_query)
    prop.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", prop)

    load = HttpRequest._load_post_and_files

    def tagged_load(self: HttpRequest) -> None:
        load(self)
        self._post._fuzz_kind = BODY  # type: ignore[attr-defined]
        self._files._fuzz_kind = FILE  # type: ignore[attr-defined]

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", tagged_load)


# --- the URLs --------------------------------------------------------------------------
def _fuzz_role(case: Case) -> str:
    for role in ROLE_PREFERENCE:
        if case.expect[role] < 400 and not (role == "anonymous" and case.expect[role] == 302):
            return role
    return "anonymous"


def _targets(module: Any) -> list[Case]:
    """One case per URL pattern (and per reauthentication state) of the module."""
    seen: dict[tuple[str, bool], Case] = {}
    for case in getattr(module, "CASES", []):
        seen.setdefault((case.name, case.reauthenticated), case)
    return list(seen.values())


_MODULES = {module.__name__.rsplit(".", 1)[1]: module for module in modules()}
# Makes every POST body non-empty, so that ``Form(request.POST or None)`` is bound.
_BOUND = {"_fuzz": "1"}


@dataclass
class Failure:
    role: str
    method: str
    url: str
    sent: dict[str, Any]
    error: str


@dataclass
class Fuzzer:
    world: World
    case: Case
    role: str
    url: str
    failures: list[Failure]
    # A whistleblowing handler's case pages open only with the key unlocked by passphrase.
    unlock: bool = False
    client: Client = field(default_factory=Client)

    def log_in(self) -> Client:
        client = log_in(self.client, self.world, self.case, self.role)
        if self.unlock:
            from tests.factories.whistleblowing import PASSPHRASE

            response = client.post(
                reverse("whistleblowing:handler_unlock"), {"passphrase": PASSPHRASE}
            )
            assert response.status_code == 302, "the handler's key did not unlock"
        return client

    def request(self, method: str, sent: dict[str, dict[str, Any]]) -> Reads:
        url = self.url + ("?" + urlencode(sent[QUERY], doseq=True) if sent[QUERY] else "")
        cache.clear()  # rate limits would otherwise answer 429 before the view reads anything
        with recording() as reads, transaction.atomic():
            client = self.log_in()
            try:
                if method == "get":
                    response = client.get(url)
                else:
                    response = client.post(url, {**_BOUND, **sent[BODY], **sent[FILE]})
                status, error = response.status_code, ""
            except Exception as exc:  # the test client re-raises what the view raised
                status, error = 500, f"{type(exc).__name__}: {exc}"
            transaction.set_rollback(True)
        if status >= 500:
            shown = {
                kind: {k: getattr(v, "name", v) for k, v in values.items()}
                for kind, values in sent.items()
                if values
            }
            self.failures.append(Failure(self.role, method, url, shown, error or str(status)))
        return reads

    def discover(self, method: str) -> Reads:
        """Ask again with every key read so far set, until the view reads nothing new."""
        base = self.case.data(self.world) if self.case.data else {}
        known = Reads()
        known.keys[BODY] |= set(base) if method == "post" else set()
        for _round in range(DISCOVERY_ROUNDS):
            sent = {
                QUERY: dict.fromkeys(known.keys[QUERY], "1"),
                BODY: {key: base.get(key, "1") for key in known.keys[BODY]},
                FILE: {key: SimpleUploadedFile("x.txt", b"x") for key in known.keys[FILE]},
            }
            if not known.add(self.request(method, sent)):
                break
        known.keys[BODY].discard("_fuzz")
        return known

    def fuzz(self, method: str) -> None:
        known = self.discover(method)
        if method == "get":
            known.keys[BODY].clear()
            known.keys[FILE].clear()
        if not any(known.keys.values()):
            return  # the view reads no input: nothing to fuzz
        gates = sorted(g for g in known.gates if g[1] in known.keys[g[0]])
        plain = {
            kind: sorted(set(names) - {k for g, k in gates if g == kind})
            for kind, names in known.keys.items()
        }

        def values(kind: str) -> st.SearchStrategy[Any]:
            return FILES if kind == FILE else VALUES

        # Every plain key gets a value; at most one presence-tested key is sent, since each
        # of them tends to choose a branch of its own.
        strategy = st.tuples(
            st.fixed_dictionaries(
                {
                    kind: st.fixed_dictionaries({k: values(kind) for k in names})
                    for kind, names in plain.items()
                }
            ),
            st.one_of(st.none(), st.sampled_from(gates)) if gates else st.none(),
            VALUES,
        )

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_URL,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def run(drawn: tuple[dict[str, dict[str, Any]], tuple[str, str] | None, str]) -> None:
            sent, gate, gate_value = drawn
            sent = {kind: dict(values) for kind, values in sent.items()}
            if gate is not None:
                kind, key = gate
                sent[kind][key] = gate_value if kind != FILE else SimpleUploadedFile("x", b"x")
            for upload in sent[FILE].values():
                upload.seek(0)
            self.request(method, sent)

        # Each branch chosen by a presence-tested key, alone, with a value that is no number.
        for kind, key in gates:
            empty: dict[str, dict[str, Any]] = {QUERY: {}, BODY: {}, FILE: {}}
            run = example((empty, (kind, key), "abc"))(run)
        run()


@pytest.mark.long
@pytest.mark.parametrize("module_name", sorted(_MODULES))
@pytest.mark.usefixtures("_record_reads")
def test_no_input_makes_a_page_of_the_matrix_answer_5xx(
    module_name: str, db: None, settings: Any
) -> None:
    from tests.authz.whistleblowing import FAST_KDF

    settings.WHISTLEBLOWING_KDF = FAST_KDF  # new passphrases and receipts are derived fast
    world = build_world()
    module = _MODULES[module_name]
    if hasattr(module, "setup"):
        module.setup(world)
    failures: list[Failure] = []
    for case in _targets(module):
        role = _fuzz_role(case)
        variants = [False]
        if module_name == "whistleblowing" and role == "handler" and case.expect[role] == 302:
            variants.append(True)  # a granted case: locked (sent to unlock), then unlocked
        for unlock in variants:
            fuzzer = Fuzzer(world, case, role, case_url(world, case), failures, unlock=unlock)
            for method in ("get", "post"):
                fuzzer.fuzz(method)
    assert not failures, f"{len(failures)} 5xx answers:\n" + "\n".join(
        f"{f.role} {f.method.upper()} {f.url} {f.sent!r}: {f.error}" for f in failures[:60]
    )
