"""The first version of the tystnadslöfte, so that the gate has a text to sign."""

from django.db import migrations

TEXT_SV = """Jag lovar att inte föra vidare något av det jag får veta om de kvinnor, tjejer och barn som söker stöd hos jouren, eller om deras anhöriga. Det gäller namn, vad de berättat och allt annat som kan göra att någon känns igen.

Jag lovar att inte föra vidare det jag får veta om andra jourkvinnor och om boendet, dess adress och säkerhet.

Löftet gäller i det jag gör i Fristad och utanför, och det gäller också när jag inte längre är aktiv i jouren.

Jag vet att jag kan och ska tala med jourens samordnare om något i mitt uppdrag tynger mig, och att vi då talar om det utan att röja vem det gäller."""

TEXT_EN = """I promise not to pass on anything I learn about the women, girls and children who seek support from the jour, or about their relatives. That covers names, what they have told, and anything else by which someone could be recognised.

I promise not to pass on what I learn about other jourkvinnor and about the protected housing, its address and its security.

The promise holds for what I do in Fristad and outside it, and it still holds when I am no longer active in the jour.

I know that I can and should speak with the jour's coordinator if something in my work weighs on me, and that we then speak about it without revealing who it concerns."""


def publish(apps, schema_editor):
    PledgeVersion = apps.get_model("accounts", "PledgeVersion")
    if not PledgeVersion.objects.exists():
        PledgeVersion.objects.create(version=1, text_sv=TEXT_SV, text_en=TEXT_EN)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
