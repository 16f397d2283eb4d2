"""Training events that other apps (insights) follow without the training app importing them.

Sent by the training services inside their transaction, after the row is written, so a
receiver's writes commit or roll back with the change. Receivers must not raise for
ordinary data: a failing receiver rolls the training write back.
"""

from django.dispatch import Signal

# event: the Event as saved now; before: {"community_id", "starts_at", "status"} of the row
# before the change, or None when the event was just created. Sent on create, on a change of
# date or community, and on a status change (held/cancelled).
event_changed = Signal()
