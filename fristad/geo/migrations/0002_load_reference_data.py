"""Loads the shipped reference geography (see fristad/geo/data/SOURCES.md)."""

from django.db import migrations

from fristad.geo.loading import read_rows


def load(apps, schema_editor):
    County = apps.get_model("geo", "County")
    Municipality = apps.get_model("geo", "Municipality")
    PostalCode = apps.get_model("geo", "PostalCode")
    County.objects.bulk_create(
        County(code=r["county_code"], name=r["county_name"], short_name=r["county_name_short"])
        for r in read_rows("counties.csv")
    )
    Municipality.objects.bulk_create(
        Municipality(
            code=r["municipality_code"],
            name=r["municipality_name"],
            county_id=r["county_code"],
            seat_locality=r["seat_locality"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
        )
        for r in read_rows("municipalities.csv")
    )
    PostalCode.objects.bulk_create(
        (
            PostalCode(code=r["postal_code"], locality=r["locality"], municipality_id=r["municipality_code"])
            for r in read_rows("postal_codes.csv")
        ),
        batch_size=2000,
    )


def unload(apps, schema_editor):
    for name in ("PostalCode", "Municipality", "County"):
        apps.get_model("geo", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
