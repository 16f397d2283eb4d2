"""The generic leak suite: every route the URL resolver and the OpenAPI document know is
classified here, and tried by every kind of actor.

Each route names who may use it (``allowed``). Everyone else is refused, and a refusal:

- is a 404 for a signed-in actor on a route about an object ("not yours" looks like "does
  not exist"), or on a page their role does not open; a redirect to the login page (pages)
  or a 401 (API) for an anonymous visitor;
- changes nothing: no INSERT, UPDATE or DELETE reaches the database (counters, the audit
  trail and queued jobs included; a login's session and a token's last use excepted);
- shows none of the victim's personal data (name, phone, NIK) in the response.

The rightful actors still pass (no 404, no login redirect), or the suite would prove
nothing. List routes (``LIST``) are open to every signed-in actor and are checked for what
they show: only the actors in ``sees`` may find the victim in them.

A new URL or API operation that is not classified below fails ``test_every_route_is_
classified``. The admin is covered generically, model by model, in ``test_admin_leaks.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from penggerak.accounts.services import api_token_issue
from penggerak.tests.leak_world import (
    ACTORS,
    NOW,
    VICTIM_NAME,
    VICTIM_NIK,
    VICTIM_PHONE,
    World,
    build_world,
)

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"

SIGNED_IN = frozenset(ACTORS) - {"anonymous"}
SECRETARIAT = frozenset({"national", "secretariat_jabar", "secretariat_jatim"})
STAFF = SECRETARIAT | {"coordinator_a", "coordinator_b"}
A_STAFF = frozenset({"national", "secretariat_jabar", "coordinator_a"})
A_STAFF_OWNER = A_STAFF | {"member_victim"}
A_PEOPLE = A_STAFF | {"member_victim", "member_other"}
DASHBOARD_A = frozenset({"national", "secretariat_jabar"})
OWNER = frozenset({"member_victim"})
MEMBERS = frozenset({"member_victim", "member_other"})

PUBLIC, LIST, ROLE, OBJECT = "public", "list", "role", "object"


@dataclass(frozen=True)
class Route:
    """How one route is tried. ``kwargs`` builds the URL (or path) arguments from the world;
    ``body`` the POST/PATCH data. ``sees``: who may find the victim in the response."""

    kind: str
    allowed: frozenset = SIGNED_IN
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "get"
    body: Callable[[World], dict] | None = None
    sees: frozenset = field(default=None)
    # Who may see the object without being allowed this action (the member on her own
    # record): any answer but a 5xx, and still nothing changed. Everyone else gets a 404.
    visible: frozenset = frozenset()
    # Tables a refused request still writes by design (an audited NIK search that found
    # nothing is still recorded).
    # Statuses that count as a refusal besides 404 (and 403 on a ROLE route).
    refusal: frozenset = frozenset()
    writes: frozenset = frozenset()  # table names, e.g. "core_auditevent"

    def who_sees(self) -> frozenset:
        if self.sees is not None:
            return self.sees
        return self.allowed if self.kind in (OBJECT, ROLE) else frozenset()


def public(**kw) -> Route:
    return Route(PUBLIC, allowed=frozenset(ACTORS), **kw)


def listed(sees=frozenset(), **kw) -> Route:
    return Route(LIST, sees=frozenset(sees), **kw)


def role(allowed, **kw) -> Route:
    return Route(ROLE, allowed=frozenset(allowed), **kw)


def obj(allowed, **kw) -> Route:
    return Route(OBJECT, allowed=frozenset(allowed), **kw)


victim = lambda w: {"pk": w.victim.pk}  # noqa: E731
event = lambda w: {"pk": w.event.pk}  # noqa: E731
business = lambda w: {"business_id": w.business.pk}  # noqa: E731
certificate = lambda w: {"code": w.certificate.code}  # noqa: E731

PAGES: dict[str, Route] = {
    # accounts
    "accounts:login": public(),
    "accounts:logout": public(method="post"),
    "accounts:signup": public(),
    "accounts:invitation": public(kwargs=lambda w: {"uidb64": "MQ", "token": "bukan-token"}),
    "set_language": public(method="post", body=lambda w: {"language": "id"}),
    "accounts:password_change": listed(),
    "accounts:token_list": listed(),
    "accounts:token_revoke": obj(
        {"coordinator_a"},
        kwargs=lambda w: {"token_id": w.token.pk},
        method="post",
        sees=frozenset(),
    ),
    # registry
    "home": listed(sees=A_STAFF_OWNER),
    "registry:home": listed(sees=A_STAFF_OWNER),
    "registry:healthz": public(),
    "registry:signup": public(),
    "registry:signup_done": public(),
    "registry:member_list": listed(sees=A_STAFF),
    "registry:member_search": listed(
        sees=A_STAFF_OWNER,
        method="post",
        body=lambda w: {"q": VICTIM_NIK},
        writes=frozenset({"core_auditevent"}),
    ),
    "registry:member_create": role(STAFF),
    "registry:member_detail": obj(A_STAFF_OWNER, kwargs=victim),
    "registry:member_update": obj(
        A_STAFF,
        kwargs=victim,
        method="post",
        body=lambda w: {"full_name": "Diubah"},
        visible=OWNER,
    ),
    "registry:member_transfer": obj(
        A_STAFF,
        kwargs=victim,
        method="post",
        body=lambda w: {"community": "", "reason": "x"},
        visible=OWNER,
    ),
    "registry:member_step_mark": obj(
        A_STAFF,
        kwargs=victim,
        method="post",
        body=lambda w: {"step": "training", "status": "done", "note": "curang"},
        visible=OWNER,
    ),
    "registry:member_approve": obj(A_STAFF, kwargs=victim, method="post", visible=OWNER),
    "registry:member_reveal_nik": obj(
        A_STAFF,
        kwargs=victim,
        method="post",
        body=lambda w: {"reason": "ingin tahu"},
        visible=OWNER,
    ),
    "registry:region_picker": listed(),
    "registry:community_list": listed(),
    # Partner staff browse the movement's directory of communities.
    "registry:community_detail": obj(
        A_PEOPLE | {"partner", "mentor"}, kwargs=lambda w: {"slug": "komunitas-a"}, sees=A_STAFF
    ),
    "registry:partner_list": listed(),
    # Partner staff see their own partner only (the mentor is staff of none).
    "registry:partner_detail": obj(
        SIGNED_IN - {"mentor"}, kwargs=lambda w: {"slug": "bank-mitra"}, sees=frozenset()
    ),
    # training
    "training:event_list": listed(),
    "training:events_today": role(STAFF),
    "training:my_trainings": role(MEMBERS),
    "training:event_create": role(STAFF),
    "training:event_detail": obj(A_PEOPLE, kwargs=event, sees=A_STAFF),
    "training:event_register": obj(MEMBERS, kwargs=event, method="post", visible=A_STAFF),
    "training:event_unregister": obj(
        OWNER, kwargs=event, method="post", visible=A_STAFF | {"member_other"}
    ),
    "training:event_register_member": obj(
        A_STAFF, kwargs=event, method="post", body=lambda w: {"number": "1"}
    ),
    "training:event_cancel": obj(
        A_STAFF, kwargs=event, method="post", body=lambda w: {"reason": "hujan"}, visible=MEMBERS
    ),
    "training:event_certificates": obj(A_STAFF, kwargs=event, method="post", visible=MEMBERS),
    "training:event_checkin": obj(A_STAFF, kwargs=event, visible=MEMBERS),
    "training:course_list": listed(),
    "training:course_create": role(SECRETARIAT),
    "training:course_detail": listed(kwargs=lambda w: {"pk": w.course.pk}),
    "training:own_card": role(MEMBERS),
    "training:member_card": obj(A_STAFF_OWNER, kwargs=lambda w: {"member_id": w.victim.pk}),
    "training:member_card_pdf": obj(A_STAFF_OWNER, kwargs=lambda w: {"member_id": w.victim.pk}),
    "training:certificate_verify": public(kwargs=certificate, sees=frozenset(ACTORS)),
    "training:certificate_revoke": obj(
        A_STAFF,
        kwargs=certificate,
        method="post",
        body=lambda w: {"reason": "salah"},
        visible=OWNER,
    ),
    "training:certificate_pdf": obj(A_STAFF_OWNER, kwargs=certificate),
    # mentoring
    "mentoring:mentor_list": listed(),
    "mentoring:mentor_create": role(STAFF),
    "mentoring:mentor_detail": obj(A_STAFF | {"mentor"}, kwargs=lambda w: {"pk": w.mentor.pk}),
    "mentoring:member": obj(A_STAFF | {"mentor"}, kwargs=victim, visible=OWNER),
    "mentoring:member_assign": obj(
        A_STAFF,
        kwargs=victim,
        method="post",
        body=lambda w: {"mentor": w.mentor.pk},
        visible=OWNER | {"mentor"},
    ),
    "mentoring:assignment_end": obj(
        A_STAFF,
        kwargs=victim,
        method="post",
        body=lambda w: {"reason": "selesai"},
        visible=OWNER | {"mentor"},
    ),
    "mentoring:next_action_done": obj(
        A_STAFF | {"mentor"},
        kwargs=lambda w: {"pk": w.next_action.pk},
        method="post",
        visible=OWNER,
    ),
    "mentoring:session_record": obj(
        A_STAFF | {"mentor"},
        kwargs=victim,
        method="post",
        body=lambda w: {"held_on": "2026-03-09", "duration_minutes": "30", "mode": "phone"},
        visible=OWNER,
    ),
    "mentoring:my_mentees": role({"mentor"}),
    "mentoring:stuck": role(STAFF, sees=A_STAFF),
    "mentoring:stuck_settings": role(SECRETARIAT, method="post", body=lambda w: {"days": "30"}),
    "mentoring:journeys": role(STAFF, sees=A_STAFF),
    "mentoring:my_journey": role(MEMBERS, sees=frozenset()),
    "mentoring:inbox": listed(sees={"coordinator_a"}),
    "mentoring:inbox_mark_read": listed(method="post"),
    # permits
    "permits:index": listed(sees=A_STAFF_OWNER),
    "permits:business_permits": obj(A_STAFF_OWNER, kwargs=business),
    "permits:permit_create": obj(A_STAFF_OWNER, kwargs=business),
    "permits:permit_edit": obj(A_STAFF_OWNER, kwargs=lambda w: {"pk": w.permit.pk}),
    "permits:permit_document": obj(A_STAFF_OWNER, kwargs=lambda w: {"pk": w.permit.pk}),
    "permits:checklist_fill": obj(
        A_STAFF_OWNER, kwargs=lambda w: {"business_id": w.business.pk, "code": "chse-protocol"}
    ),
    "permits:checklist_history": obj(
        A_STAFF_OWNER, kwargs=lambda w: {"business_id": w.business.pk, "code": "chse-protocol"}
    ),
    # insights: aggregates, no personal data
    "insights:national": role({"national"}),
    "insights:province": role(DASHBOARD_A, kwargs=lambda w: {"code": "32"}),
    "insights:regency": role(DASHBOARD_A, kwargs=lambda w: {"code": "32.73"}),
    "insights:community": role(A_STAFF, kwargs=lambda w: {"slug": "komunitas-a"}),
    "insights:national_csv": role({"national"}, kwargs=lambda w: {"table": "tahap"}),
    "insights:province_csv": role(DASHBOARD_A, kwargs=lambda w: {"code": "32", "table": "tahap"}),
    "insights:regency_csv": role(DASHBOARD_A, kwargs=lambda w: {"code": "32.73", "table": "tahap"}),
    "insights:community_csv": role(
        A_STAFF, kwargs=lambda w: {"slug": "komunitas-a", "table": "tahap"}
    ),
    "insights:reports": role(SECRETARIAT),
    "insights:report_schedule": role(
        SECRETARIAT, method="post", body=lambda w: {"scope": "nation", "active": ""}
    ),
    "insights:report_download": obj(
        {"national", "secretariat_jabar"}, kwargs=lambda w: {"pk": w.report_run.pk, "kind": "pdf"}
    ),
    "insights:umkm_population": role(SECRETARIAT),
    "insights:partners": role(SECRETARIAT | {"partner"}),
    "insights:partner_detail": obj(
        SECRETARIAT | {"partner"}, kwargs=lambda w: {"pk": w.partner.pk}
    ),
    # imports and exports
    "imports:upload": role(STAFF),
    "imports:detail": obj(A_STAFF, kwargs=lambda w: {"pk": w.import_run.pk}),
    "imports:rerun": obj(A_STAFF, kwargs=lambda w: {"pk": w.import_run.pk}, method="post"),
    "imports:download": obj(
        A_STAFF, kwargs=lambda w: {"pk": w.import_run.pk, "name": "berkas"}, sees=frozenset()
    ),
    "imports:template": role(STAFF, kwargs=lambda w: {"kind": "anggota"}),
    "imports:export_members": role(STAFF, kwargs=lambda w: {"fmt": "csv"}),
    "imports:export_detail": obj(
        {"national", "coordinator_a"}, kwargs=lambda w: {"pk": w.export_run.pk}
    ),
    "imports:export_rerun": obj(
        {"national", "coordinator_a"}, kwargs=lambda w: {"pk": w.export_run.pk}, method="post"
    ),
    "imports:export_download": obj(
        {"national", "coordinator_a"}, kwargs=lambda w: {"pk": w.export_run.pk}
    ),
}

member_path = lambda w: {"id": w.victim.pk}  # noqa: E731

API: dict[str, Route] = {
    "POST /api/v1/auth/token": public(body=lambda w: {"username": "x", "password": "y"}),
    "GET /api/v1/auth/tokens": listed(),
    "DELETE /api/v1/auth/tokens/{id}": obj({"coordinator_a"}, kwargs=lambda w: {"id": w.token.pk}),
    "GET /api/v1/regions": public(),
    "GET /api/v1/regions/{code}": public(kwargs=lambda w: {"code": "32"}),
    "GET /api/v1/members": listed(sees=A_STAFF_OWNER),
    "POST /api/v1/members": obj(
        A_STAFF,
        visible=MEMBERS,
        body=lambda w: {"community": "komunitas-a", "nik": "3273015707900002", "full_name": "Baru"},
    ),
    "POST /api/v1/members/search-nik": listed(
        sees=A_STAFF_OWNER,
        body=lambda w: {"nik": VICTIM_NIK},
        writes=frozenset({"core_auditevent"}),
    ),
    "GET /api/v1/members/{id}": obj(A_STAFF_OWNER, kwargs=member_path),
    "PATCH /api/v1/members/{id}": obj(
        A_STAFF, kwargs=member_path, body=lambda w: {"full_name": "Diubah"}, visible=OWNER
    ),
    "POST /api/v1/members/{id}/transfer": obj(
        A_STAFF,
        kwargs=member_path,
        body=lambda w: {"community": "komunitas-a", "reason": "x"},
        visible=OWNER,
    ),
    "POST /api/v1/members/{id}/approve": obj(
        A_STAFF, kwargs=member_path, body=lambda w: {}, visible=OWNER
    ),
    "GET /api/v1/members/{id}/journey": obj(A_STAFF_OWNER, kwargs=member_path),
    "POST /api/v1/members/{id}/steps/{code}": obj(
        A_STAFF,
        kwargs=lambda w: {"id": w.victim.pk, "code": "training"},
        body=lambda w: {"status": "done", "note": "x"},
        visible=OWNER,
    ),
    "GET /api/v1/communities": listed(),
    "POST /api/v1/communities": role(
        SECRETARIAT, body=lambda w: {"name": "Komunitas Baru", "regency": "32.73"}
    ),
    "GET /api/v1/communities/{slug}": obj(
        A_PEOPLE | {"partner", "mentor"},
        kwargs=lambda w: {"slug": "komunitas-a"},
        sees=frozenset(),
    ),
    "GET /api/v1/partners": listed(),
    "GET /api/v1/partners/{slug}": obj(
        SIGNED_IN - {"mentor"}, kwargs=lambda w: {"slug": "bank-mitra"}, sees=frozenset()
    ),
    "GET /api/v1/insights/funnel": listed(),
    # Targets of the nation: the national secretariat and partner staff (aggregates).
    "GET /api/v1/insights/targets": role({"national", "partner", "mentor"}),
    "GET /api/v1/courses": listed(),
    "POST /api/v1/courses": role(SECRETARIAT, body=lambda w: {"title": "Kursus Baru"}),
    "GET /api/v1/courses/{id}": listed(kwargs=lambda w: {"id": w.course.pk}),
    "GET /api/v1/events": listed(),
    "POST /api/v1/events": role(
        A_STAFF,
        body=lambda w: {
            "course_id": w.course.pk,
            "community": "komunitas-a",
            "starts_at": "2026-03-20T09:00:00+07:00",
            "ends_at": "2026-03-20T12:00:00+07:00",
            "capacity": 10,
        },
    ),
    "GET /api/v1/events/{id}": obj(A_PEOPLE, kwargs=lambda w: {"id": w.event.pk}),
    "POST /api/v1/events/{id}/registrations": obj(
        A_STAFF_OWNER,
        kwargs=lambda w: {"id": w.event.pk},
        body=lambda w: {"member_id": w.victim.pk},
        visible={"member_other"},
    ),
    "POST /api/v1/events/{id}/attendance": obj(
        A_STAFF,
        kwargs=lambda w: {"id": w.event.pk},
        body=lambda w: {"member_id": w.victim.pk},
        visible=MEMBERS,
    ),
    "GET /api/v1/mentoring/mentors": listed(),
    # A community outside one's scope is refused like an unknown one: a field error (422).
    "POST /api/v1/mentoring/mentors": role(
        A_STAFF,
        body=lambda w: {"username": "staf-mitra", "communities": ["komunitas-a"]},
        refusal=frozenset({403, 404, 422}),
    ),
    "POST /api/v1/mentoring/assignments": obj(
        A_STAFF,
        body=lambda w: {"mentor": w.mentor.pk, "member": w.victim.pk},
        visible=OWNER | {"mentor"},
    ),
    "POST /api/v1/mentoring/sessions": obj(
        A_STAFF | {"mentor"},
        visible=OWNER,
        body=lambda w: {
            "member": w.victim.pk,
            "held_on": "2026-03-09",
            "duration_minutes": 30,
            "mode": "phone",
        },
    ),
    "GET /api/v1/mentoring/stuck": listed(sees=A_STAFF),
    "GET /api/v1/permits": listed(sees=A_STAFF_OWNER),
    "POST /api/v1/permits": obj(
        A_STAFF_OWNER, body=lambda w: {"business_id": w.business.pk, "kind": "nib"}
    ),
    "GET /api/v1/permits/requirements": listed(),
    "GET /api/v1/permits/checklists": listed(),
    "POST /api/v1/permits/checklists/{code}/responses": obj(
        A_STAFF_OWNER,
        kwargs=lambda w: {"code": "chse-protocol"},
        body=lambda w: {"business_id": w.business.pk, "answers": {}},
    ),
    "GET /api/v1/permits/{id}": obj(A_STAFF_OWNER, kwargs=lambda w: {"id": w.permit.pk}),
    "PATCH /api/v1/permits/{id}": obj(
        A_STAFF_OWNER, kwargs=lambda w: {"id": w.permit.pk}, body=lambda w: {"note": "x"}
    ),
}

# Django's own machinery under the API prefix: the documents, not operations.
API_INFRASTRUCTURE = {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"}


# --- Enumeration ---------------------------------------------------------------------------


def url_names() -> set[str]:
    """Every named URL pattern outside the admin and the API (those are enumerated from
    the admin registry and the OpenAPI document)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    # The admin's catch-all pattern has no name; the admin is enumerated by its registry.
    names = {n for n in walk(get_resolver().url_patterns) if n != "admin:None"}
    unnamed = {name for name in names if not name or name.endswith(":None")}
    assert not unnamed, f"every URL pattern needs a name to be classified: {unnamed}"
    return {n for n in names if not n.startswith(("admin:", "api-v1:"))} | {
        n for n in names if n.startswith("api-v1:") and n in API_INFRASTRUCTURE
    }


def api_operations() -> set[str]:
    from penggerak.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_route_is_classified():
    names = url_names() - API_INFRASTRUCTURE
    assert names - set(PAGES) == set(), "unclassified pages: add them to PAGES"
    assert set(PAGES) - names == set(), "classified pages that no longer exist"
    operations = api_operations()
    assert operations - set(API) == set(), "unclassified API operations: add them to API"
    assert set(API) - operations == set(), "classified API operations that no longer exist"


# --- The checks ----------------------------------------------------------------------------

# A refused request writes nothing: every statement it sends to the database is captured, and
# none may be an INSERT, UPDATE or DELETE (rolled back or not), except what a visit records
# anyway: the login session and the token's last use.
_VISIT_TABLES = {"django_session"}
_VISIT_UPDATES = ("last_used_at", "last_login")


def written_tables(queries) -> set[str]:
    tables = set()
    for query in queries:
        sql = query["sql"]
        head = sql.lstrip()[:6].upper()
        if head not in ("INSERT", "UPDATE", "DELETE", "REPLAC"):
            continue
        found = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.I)
        table = found.group(1) if found else sql[:40]
        if table in _VISIT_TABLES:
            continue
        if head == "UPDATE" and any(column in sql.split(" WHERE ")[0] for column in _VISIT_UPDATES):
            continue
        tables.add(table)
    return tables


def shows_victim(content: bytes) -> bool:
    text = content.decode("utf-8", "replace")
    return VICTIM_NAME in text or VICTIM_PHONE[3:] in text or VICTIM_NIK in text


@pytest.fixture
def world(db, tmp_path, settings):
    settings.PENGGERAK_PRIVATE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(NOW, tick=False):
        yield build_world(tmp_path)


def page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_request(route: Route, name: str, world: World, user):
    url = reverse(name, kwargs=route.kwargs(world))
    body = route.body(world) if route.body else {}
    client = page_client(user)
    if route.method == "post":
        return client.post(url, body)
    return client.get(url)


def _refused(status, response, *, anonymous: bool, api: bool, kind: str, extra=()) -> bool:
    if anonymous:
        if api:
            return status == 401
        return status == 302 and "/akun/masuk/" in response["Location"]
    # A route a role does not open may say 403 (there is no object to reveal); a route
    # about an object the actor may not see is always 404.
    return status == 404 or (status == 403 and kind == ROLE) or status in extra


def _passes(status: int, response, *, api: bool) -> bool:
    if status in (401, 403, 404) or status >= 500:
        return False
    return not (status == 302 and "/akun/masuk/" in response.get("Location", ""))


def check_route(route: Route, label: str, world: World, call) -> int:
    """Try one route as every actor; returns how many actors were tried."""
    api = label.startswith(("GET /api", "POST /api", "PATCH /api", "DELETE /api", "PUT /api"))
    failures = []
    # The refused first, on the untouched world; then the rightful (who may change it).
    order = sorted(ACTORS, key=lambda a: a in route.allowed)
    for actor in order:
        user = world.users[actor]
        with CaptureQueriesContext(connection) as captured:
            response = call(route, world, actor, user)
        status = response.status_code
        if actor in route.allowed:
            if route.kind != PUBLIC and not _passes(status, response, api=api):
                failures.append(f"{actor}: rightful actor refused with {status}")
            elif status >= 500:
                failures.append(f"{actor}: {status}")
            continue
        anonymous = actor == "anonymous"
        if status >= 500:
            failures.append(f"{actor}: {status}")
        elif actor in route.visible:
            pass  # may see the object: any answer, as long as nothing changed
        elif route.kind in (OBJECT, ROLE) or (anonymous and route.kind == LIST):
            refused = _refused(
                status, response, anonymous=anonymous, api=api, kind=route.kind, extra=route.refusal
            )
            if not refused:
                failures.append(f"{actor}: expected a refusal, got {status}")
        elif route.kind == LIST and status >= 400 and status != 404:
            failures.append(f"{actor}: list answered {status}")
        changed = written_tables(captured.captured_queries) - route.writes
        if changed:
            failures.append(f"{actor}: refused request changed {sorted(changed)}")
        # The victim may see her own data; nobody outside ``sees`` may.
        if actor not in route.who_sees() | OWNER and shows_victim(response.content):
            failures.append(f"{actor}: response shows the victim's personal data")
    assert not failures, f"{label}: " + "; ".join(failures)
    return len(order)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_route_is_scoped(world, name):
    route = PAGES[name]

    def call(route, world, actor, user):
        with time_machine.travel(NOW, tick=False):
            return page_request(route, name, world, user)

    check_route(route, name, world, call)


@pytest.fixture
def tokens(world):
    issued = {}
    for actor, user in world.users.items():
        if user is not None:
            issued[actor] = api_token_issue(username=user.username, password=PASSWORD)
    return issued


@pytest.mark.parametrize("operation", sorted(API))
def test_api_operation_is_scoped(world, tokens, operation):
    route = API[operation]
    method, template = operation.split(" ", 1)
    path = template.format(**route.kwargs(world))

    def call(route, world, actor, user):
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[actor]}"} if actor in tokens else {}
        body = route.body(world) if route.body else None
        with time_machine.travel(NOW, tick=False):
            if method == "GET":
                return client.get(path, **headers)
            return client.generic(
                method, path, json.dumps(body or {}), content_type="application/json", **headers
            )

    check_route(route, operation, world, call)
