"""Seed the step rules with DESIGN.md's defaults; give existing members their done steps.

Members registered before step rows existed only carry ``furthest_step``: they get a done
row (source ``import``, dated at registration) for every step up to it, and the funnel
counters are computed from those rows, so the journey, the list filter and the funnel agree.
"""

from django.db import migrations

# Frozen copy of registry.steps.DEFAULT_RULES at the time of this migration.
DEFAULT_RULES = {
    1: ("Data anggota lengkap (nomor HP) dan persetujuan diberikan", {}),
    2: ("Menghadiri minimal satu pelatihan kurikulum", {"min_attendances": 1}),
    3: ("Pendamping ditugaskan dan satu sesi tercatat", {"min_sessions": 1}),
    4: ("Memiliki NIB (dan izin yang dibutuhkan produknya)", {"kinds": ["nib"]}),
    5: ("Produk terdaftar atau ikut bazar/pameran/marketplace", {"min_items": 1}),
    6: ("Tiga bulan berturut-turut pembukuan", {"months": 3}),
    7: ("Pengajuan pembiayaan disetujui", {"min_approved": 1}),
}


def seed(apps, schema_editor):
    StepRule = apps.get_model("registry", "StepRule")
    for step, (description, parameters) in DEFAULT_RULES.items():
        StepRule.objects.get_or_create(
            step=step, defaults={"description": description, "parameters": parameters}
        )
    Member = apps.get_model("registry", "Member")
    if not Member.objects.filter(furthest_step__gt=0).exists():
        return
    MemberStep = apps.get_model("registry", "MemberStep")
    quote = schema_editor.connection.ops.quote_name
    member, step = quote(Member._meta.db_table), quote(MemberStep._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for number in range(1, 8):
            cursor.execute(
                f"INSERT INTO {step} (member_id, step, status, started_at, completed_at, "
                f"source, evidence, evidence_keys, note) SELECT id, %s, 'done', created_at, "
                f"created_at, 'import', %s, %s, '' FROM {member} WHERE furthest_step >= %s",
                [number, "{}", "[]", number],
            )
    from penggerak.registry.steps import counters_rebuild

    counters_rebuild()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_member_steps")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
