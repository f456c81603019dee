from django.db import migrations

KEY = "mailbox_notification_by_retrieval"

TITLE_DE = "Bekanntgabe von Verwaltungsakten durch Abruf aus dem Postfach (§ 41 Abs. 2a VwVfG)"
TITLE_EN = (
    "Notification of administrative acts by retrieval from the mailbox "
    "(section 41 (2a) VwVfG)"
)
TEXT_DE = """\
Ich willige ein, dass mir Verwaltungsakte und andere Dokumente der Behörden, die diese Plattform nutzen, dadurch bekannt gegeben werden, dass sie in meinem Postfach im Bürgerkonto zum Abruf bereitgestellt werden (§ 41 Abs. 2a Verwaltungsverfahrensgesetz und die entsprechenden Vorschriften der Länder).

Mir ist bekannt:
1. Über jedes bereitgestellte Dokument werde ich an die in meinem Bürgerkonto hinterlegte E-Mail-Adresse benachrichtigt. Die Benachrichtigung enthält den Inhalt des Dokuments nicht.
2. Ein Verwaltungsakt gilt am Tag nach dem Abruf als bekannt gegeben. Rufe ich ihn nicht ab, wird die Bereitstellung nach zehn Tagen beendet; die Bekanntgabe ist dann nicht erfolgt, und die Behörde gibt den Verwaltungsakt auf anderem Weg bekannt.
3. Mit der Bekanntgabe können Fristen zu laufen beginnen, insbesondere Widerspruchs- und Klagefristen. Ich sollte mein Postfach daher regelmäßig prüfen und meine E-Mail-Adresse aktuell halten.
4. Die Einwilligung ist freiwillig. Ohne sie erhalte ich Bescheide auf dem Postweg oder auf einem anderen zugelassenen Weg.
5. Ich kann die Einwilligung jederzeit mit Wirkung für die Zukunft in meinem Bürgerkonto widerrufen. Bereits erfolgte Bekanntgaben bleiben wirksam.
"""
TEXT_EN = """\
I consent to administrative acts and other documents of the authorities using this platform being notified to me by making them available for retrieval in the mailbox of my citizen account (section 41 (2a) of the Administrative Procedure Act (VwVfG) and the corresponding laws of the Länder).

I understand that:
1. I will be informed of every document made available at the e-mail address stored in my citizen account. The e-mail does not contain the document itself.
2. An administrative act is deemed notified on the day after it has been retrieved. If I do not retrieve it, it is no longer made available after ten days; it has then not been notified, and the authority notifies it by other means.
3. Notification can start time limits, in particular for objections and legal action. I should therefore check my mailbox regularly and keep my e-mail address up to date.
4. Consent is voluntary. Without it, I receive decisions by post or by another permitted means.
5. I can revoke this consent at any time with effect for the future in my citizen account. Notifications already made remain effective.

(Only the German text is legally binding; this translation is for information.)
"""


def create(apps, schema_editor):
    ConsentText = apps.get_model("accounts", "ConsentText")
    ConsentText.objects.get_or_create(
        key=KEY,
        version=1,
        defaults={
            "title_de": TITLE_DE,
            "title_en": TITLE_EN,
            "text_de": TEXT_DE,
            "text_en": TEXT_EN,
            "active": True,
        },
    )


def remove(apps, schema_editor):
    ConsentText = apps.get_model("accounts", "ConsentText")
    ConsentText.objects.filter(key=KEY, version=1, consents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_profile_and_consents")]

    operations = [migrations.RunPython(create, remove)]
