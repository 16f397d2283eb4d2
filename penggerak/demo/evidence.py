"""Point the demo's done journey steps at the rows that explain them.

The real services record a step's evidence through ``registry.services.
member_step_record_evidence`` as ``{"kind", "id", "label"}`` plus the key ``"kind:id"`` in
``evidence_keys``:

- training (step 2): ``{"kind": "attendance", "id": <attendance pk>, "label": <course title>}``
- mentoring (step 3): ``{"kind": "session", "id": <session pk>,
  "label": "Sesi pendampingan <YYYY-MM-DD>"}``
- licensing (step 4): ``{"kind": "nib", "id": <permit pk>, "label": "<kind label> <number>"}``

The demo writes its step rows before the trainings, sessions and permits exist, so each
extension fills in its step's evidence afterwards with one set-based ``UPDATE`` per step (a
correlated subquery on an indexed member column: no per-row round trips). Only done rows
are touched; in-progress rows of these steps carry no evidence, as in real life, where the
evidence is what completes them.
"""

from __future__ import annotations

from django.db.models import CharField, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat, JSONArray, JSONObject

from penggerak.registry.models import MemberStep


def steps_point_at(*, step: int, kind: str, candidates: QuerySet, label) -> int:
    """Set the evidence of every done ``step`` row to the first of ``candidates`` (a queryset
    filtered on ``OuterRef("member_id")`` and ordered), labelled with the expression
    ``label``. Returns how many rows were updated."""
    pk_text = Cast("pk", output_field=CharField())
    evidence = candidates.annotate(
        _evidence=JSONObject(kind=Value(kind), id=pk_text, label=label)
    ).values("_evidence")[:1]
    keys = candidates.annotate(_keys=JSONArray(Concat(Value(f"{kind}:"), pk_text))).values("_keys")[
        :1
    ]
    return MemberStep.objects.filter(step=step, status=MemberStep.Status.DONE).update(
        evidence=Subquery(evidence), evidence_keys=Subquery(keys)
    )
