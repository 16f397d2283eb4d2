"""Registry events that other apps (insights) follow without the registry importing them.

Each signal is sent by a registry service inside its transaction, after the rows are
written, so a receiver's writes commit or roll back together with the change. Receivers
must not raise for ordinary data: a failing receiver rolls the registry write back.
"""

from django.dispatch import Signal

# member: the new Member (already saved).
member_registered = Signal()
# member: the Member now in its new community; from_community: the Community it left.
member_moved = Signal()
# member: the Member; old_status, new_status: Member.Status values.
member_status_changed = Signal()
# member: the Member; before, after: {step: completed_at} of its done steps.
member_step_changed = Signal()
# community: the new Community.
community_created = Signal()
# partner: the new Partner.
partner_created = Signal()
# business: the Business; old_employees: employees before the change (0 when created).
business_changed = Signal()
