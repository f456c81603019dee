"""Encrypt the second-factor secrets that allauth stored in plain text (see mfa_secrets.py).

TOTP keys (`data.secret`) and recovery-code seeds (`data.seed`, or the codes of allauth's
older format, `data.migrated_codes`). Values already encrypted are left alone, so the migration
can run on a partly migrated database; the reverse decrypts.
"""

from django.db import migrations

from rathaus.accounts.mfa_secrets import (
    mfa_secret_decrypt,
    mfa_secret_encrypt,
    mfa_secret_is_encrypted,
)


def _encrypt(value: str) -> str:
    return value if mfa_secret_is_encrypted(value) else mfa_secret_encrypt(value)


def _decrypt(value: str) -> str:
    return mfa_secret_decrypt(value) if mfa_secret_is_encrypted(value) else value


def _convert(apps, convert) -> None:
    authenticator_model = apps.get_model("mfa", "Authenticator")
    for authenticator in authenticator_model.objects.filter(
        type__in=["totp", "recovery_codes"]
    ).iterator():
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = convert(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [convert(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor):
    _convert(apps, _encrypt)


def decrypt_secrets(apps, schema_editor):
    _convert(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_cache_table"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
