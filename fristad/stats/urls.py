"""Staff URLs of the stats app (mounted under ``personal/``): a jour's contact records and
statistics, and the national office's statistics. Each list has its isolation matrix:
``tests/test_contact_record_isolation.py`` and ``tests/test_stats_isolation.py``."""

from django.urls import path

from fristad.stats import report_views, views

app_name = "stats"

contact_urlpatterns = [
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

statistics_urlpatterns = [
    path("jour/<int:jour_id>/statistik/", report_views.jour_statistics, name="statistics"),
    path("jour/<int:jour_id>/statistik/statistik.csv", report_views.jour_export_csv, name="statistics_csv"),
    path(
        "jour/<int:jour_id>/statistik/statistik.xlsx", report_views.jour_export_xlsx, name="statistics_xlsx"
    ),
    path("jour/<int:jour_id>/statistik/arsrapport/", report_views.jour_report, name="statistics_report"),
    path("forbund/statistik/", report_views.national_statistics, name="national_statistics"),
    path(
        "forbund/statistik/jour/<int:jour_id>/",
        report_views.national_jour_statistics,
        name="national_statistics_jour",
    ),
    path("forbund/statistik/statistik.csv", report_views.national_export_csv, name="national_statistics_csv"),
    path(
        "forbund/statistik/statistik.xlsx", report_views.national_export_xlsx, name="national_statistics_xlsx"
    ),
    path("forbund/statistik/arsrapport/", report_views.national_report, name="national_statistics_report"),
]

urlpatterns = contact_urlpatterns + statistics_urlpatterns
