"""Masked NIKs keep the last four digits only: ``32**********0001`` becomes ``************0001``.

The province code that the old mask kept, with the rest of the row (region, birth date, sex),
was enough to rebuild most NIKs. One UPDATE over the table (no row is read into Python), the
same on SQLite and PostgreSQL.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Right


def mask_last_four(apps, schema_editor):
    member = apps.get_model("registry", "Member")
    member.objects.using(schema_editor.connection.alias).update(
        nik_masked=Concat(Value("*" * 12), Right("nik_masked", 4))
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_member_nik_digest_bytes")]

    # Backwards on purpose changes nothing: putting the province code back would undo the
    # protection, and the shorter mask is valid for the older code too.
    operations = [migrations.RunPython(mask_last_four, migrations.RunPython.noop)]
