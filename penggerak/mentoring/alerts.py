"""The daily mentoring alerts: stuck members for coordinators and mentors, next actions due.

Summaries, never one notification per member: each coordinator gets at most one alert per
community per day ("23 anggota macet" with a link to the list), each mentor at most one about
stuck mentees and one about next actions due. Keys carry the date, so a retried or repeated
run the same day creates nothing new.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from penggerak.core.notifications import notify
from penggerak.mentoring import selectors
from penggerak.mentoring.models import Mentor, NextAction
from penggerak.registry.models import Community

COMMUNITY_BATCH = 100


def stuck_alerts_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Create today's alerts; returns {"communities": n, "notifications": n} (new ones only)."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    days = selectors.stuck_after_days()
    created = 0
    communities_with_stuck = 0
    stuck_url = reverse("mentoring:stuck")
    ids = list(
        Community.objects.filter(coordinators__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()
    )
    with override("id"):
        for start in range(0, len(ids), COMMUNITY_BATCH):
            batch = ids[start : start + COMMUNITY_BATCH]
            counts = selectors.stuck_counts_by_community(batch, now=now, days=days)
            if not counts:
                continue
            for community in Community.objects.filter(pk__in=list(counts)).prefetch_related(
                "coordinators"
            ):
                communities_with_stuck += 1
                count = counts[community.pk]
                for user in community.coordinators.all():
                    if not user.is_active:
                        continue
                    _n, new = notify(
                        user=user,
                        kind="mentoring.stuck",
                        key=f"mentoring:stuck:{community.pk}:{day}",
                        title=_("%(count)s anggota macet di %(community)s")
                        % {"count": count, "community": community.name},
                        body=_("Tahap berikutnya mereka tidak bergerak selama %(days)s hari.")
                        % {"days": days},
                        url=f"{stuck_url}?community={community.slug}",
                    )
                    created += new
        by_mentor = selectors.stuck_counts_by_mentor(now=now, days=days)
        due = dict(
            NextAction.objects.filter(done_at__isnull=True, due_on__lte=timezone.localdate(now))
            .order_by()
            .values("mentor_id")
            .annotate(n=Count("id"))
            .values_list("mentor_id", "n")
        )
        mentees_url = reverse("mentoring:my_mentees")
        mentor_ids = set(by_mentor) | set(due)
        for mentor in Mentor.objects.filter(pk__in=mentor_ids, active=True).select_related("user"):
            if by_mentor.get(mentor.pk):
                _n, new = notify(
                    user=mentor.user,
                    kind="mentoring.stuck_mentees",
                    key=f"mentoring:stuck-mentees:{day}",
                    title=_("%(count)s anggota binaan Anda macet")
                    % {"count": by_mentor[mentor.pk]},
                    body=_("Tahap berikutnya mereka tidak bergerak selama %(days)s hari.")
                    % {"days": days},
                    url=mentees_url,
                )
                created += new
            if due.get(mentor.pk):
                _n, new = notify(
                    user=mentor.user,
                    kind="mentoring.actions_due",
                    key=f"mentoring:actions-due:{day}",
                    title=_("%(count)s langkah berikutnya sudah jatuh tempo")
                    % {"count": due[mentor.pk]},
                    url=mentees_url,
                )
                created += new
    return {"communities": communities_with_stuck, "notifications": created}
