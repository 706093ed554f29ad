"""Reference data, loaded by migration from the CSV files in ``data/``."""

from __future__ import annotations

from django.db import models


class County(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=60)
    short_name = models.CharField(max_length=40)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=60, unique=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    seat_locality = models.CharField(max_length=60)
    # The main locality's position (GeoNames): good for ordering by distance, not for maps.
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostalCode(models.Model):
    code = models.CharField(max_length=5, primary_key=True)
    locality = models.CharField(max_length=60)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="postal_codes")

    def __str__(self) -> str:
        return f"{self.code[:3]} {self.code[3:]} {self.locality}"
