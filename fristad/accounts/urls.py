from django.urls import path

from fristad.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tystnadslofte/", views.pledge, name="pledge"),
    path("inbjudan/<str:token>/", views.invite_accept, name="invite_accept"),
    path("jour/<int:jour_id>/personal/", views.jour_people, name="jour_people"),
    path(
        "jour/<int:jour_id>/personal/<int:membership_id>/roll/",
        views.jour_person_role,
        name="jour_person_role",
    ),
    path(
        "jour/<int:jour_id>/personal/<int:membership_id>/ta-bort/",
        views.jour_person_remove,
        name="jour_person_remove",
    ),
    path(
        "jour/<int:jour_id>/inbjudan/<int:invite_id>/dra-tillbaka/",
        views.jour_invite_revoke,
        name="jour_invite_revoke",
    ),
    path("jour/<int:jour_id>/profil/", views.jour_profile, name="jour_profile"),
    path("jour/<int:jour_id>/logg/", views.jour_audit, name="jour_audit"),
    path("jour/<int:jour_id>/schema/", views.jour_schedule, name="jour_schedule"),
    path(
        "jour/<int:jour_id>/schema/<int:shift_id>/<slug:action>/",
        views.jour_shift_action,
        name="jour_shift_action",
    ),
    path("kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("forbund/jourer/", views.national_jourer, name="national_jourer"),
    path("forbund/jourer/ny/", views.national_jour_add, name="national_jour_add"),
    path("forbund/jourer/<int:jour_id>/aktiv/", views.national_jour_active, name="national_jour_active"),
    path("forbund/jourer/<int:jour_id>/ta-bort/", views.national_jour_remove, name="national_jour_remove"),
    path("forbund/logg/", views.national_audit, name="national_audit"),
    path("forbund/tackning/", views.national_coverage, name="national_coverage"),
]
