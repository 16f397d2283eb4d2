"""NIK digests become 16 raw bytes (the first 128 bits of the HMAC) instead of 64 hex digits.

Forward needs no key: the new digest is the first half of the old one, decoded. Backward
recomputes the full hex digest from each encrypted NIK (the bytes keep only half of it), with
the hash key the settings give.
"""

import hmac

from django.db import migrations, models

from penggerak.core import protection

_CHUNK = 10_000


def _rows(cursor, table: str, column: str):
    """(id, value) of every member, a chunk at a time."""
    last = 0
    while True:
        cursor.execute(
            f"SELECT id, {column} FROM {table} WHERE id > %s ORDER BY id LIMIT {_CHUNK}", [last]
        )
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _alter_on_sqlite(apps, schema_editor, old_field: models.Field, new_field: models.Field):
    """SQLite changes a column's type by rebuilding the table (the fields are given: the
    historical model has the same one on both sides of this migration)."""
    member = apps.get_model("registry", "Member")
    for field in (old_field, new_field):
        field.set_attributes_from_name("nik_digest")
        field.model = member
    schema_editor.alter_field(member, old_field, new_field)


def _hex_field() -> models.Field:
    return models.CharField(max_length=64, editable=False)


def digests_to_bytes(apps, schema_editor):
    table = schema_editor.quote_name("registry_member")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN nik_digest TYPE bytea "
            f"USING decode(substr(nik_digest, 1, 32), 'hex')"
        )
        return
    _alter_on_sqlite(apps, schema_editor, _hex_field(), models.BinaryField(max_length=16))
    # The rebuilt table kept the hex text (SQLite converts no value to a blob).
    with schema_editor.connection.cursor() as cursor:
        for rows in _rows(cursor, table, "nik_digest"):
            cursor.executemany(
                f"UPDATE {table} SET nik_digest = %s WHERE id = %s",
                [(bytes.fromhex(value[:32]), pk) for pk, value in rows if isinstance(value, str)],
            )


def digests_to_hex(apps, schema_editor):
    table = schema_editor.quote_name("registry_member")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN nik_digest TYPE varchar(64) "
            f"USING encode(nik_digest, 'hex')"
        )
    else:
        _alter_on_sqlite(apps, schema_editor, models.BinaryField(max_length=16), _hex_field())
    key = protection._hash_key()
    with schema_editor.connection.cursor() as cursor:
        for rows in _rows(cursor, table, "nik_ciphertext"):
            cursor.executemany(
                f"UPDATE {table} SET nik_digest = %s WHERE id = %s",
                [
                    (hmac.digest(key, protection.nik_decrypt(token).encode(), "sha256").hex(), pk)
                    for pk, token in rows
                ],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_member_indexes_without_duplicates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="nik_digest",
                    field=models.BinaryField(max_length=16),
                ),
            ],
            database_operations=[migrations.RunPython(digests_to_bytes, digests_to_hex)],
        ),
    ]
