import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="County",
            fields=[
                ("code", models.CharField(max_length=2, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=60)),
                ("short_name", models.CharField(max_length=40)),
            ],
            options={"ordering": ["code"]},
        ),
        migrations.CreateModel(
            name="Municipality",
            fields=[
                ("code", models.CharField(max_length=4, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=60, unique=True)),
                ("seat_locality", models.CharField(max_length=60)),
                ("latitude", models.FloatField()),
                ("longitude", models.FloatField()),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="municipalities",
                        to="geo.county",
                    ),
                ),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="PostalCode",
            fields=[
                ("code", models.CharField(max_length=5, primary_key=True, serialize=False)),
                ("locality", models.CharField(max_length=60)),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postal_codes",
                        to="geo.municipality",
                    ),
                ),
            ],
        ),
    ]
