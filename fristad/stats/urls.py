"""Contact records of a jour, for its coordinator and jourkvinnor (mounted under ``personal/``)."""

from django.urls import path

from fristad.stats import views

app_name = "stats"

urlpatterns = [
    path("jour/<int:jour_id>/kontakter/", views.contact_records, name="contact_records"),
    path("jour/<int:jour_id>/kontakter/ny/", views.contact_record_new, name="contact_record_new"),
    path(
        "jour/<int:jour_id>/kontakter/<uuid:record_id>/",
        views.contact_record_edit,
        name="contact_record_edit",
    ),
    path(
        "jour/<int:jour_id>/kontakter/<uuid:record_id>/ta-bort/",
        views.contact_record_delete,
        name="contact_record_delete",
    ),
]
