"""Stödperson pages of a jour, for its coordinator and jourkvinnor (mounted under ``personal/``)."""

from django.urls import path

from fristad.support import views

app_name = "support"

urlpatterns = [
    path("jour/<int:jour_id>/stod/", views.case_list, name="case_list"),
    path("jour/<int:jour_id>/stod/nytt/", views.case_open, name="case_open"),
    path("jour/<int:jour_id>/stod/mina/", views.my_appointments, name="my_appointments"),
    path("jour/<int:jour_id>/stod/<int:case_id>/", views.case_detail, name="case_detail"),
    path("jour/<int:jour_id>/stod/<int:case_id>/andra/", views.case_edit, name="case_edit"),
    path("jour/<int:jour_id>/stod/<int:case_id>/status/", views.case_status, name="case_status"),
    path("jour/<int:jour_id>/stod/<int:case_id>/besok/ny/", views.appointment_new, name="appointment_new"),
    path(
        "jour/<int:jour_id>/stod/<int:case_id>/besok/<int:appointment_id>/",
        views.appointment_edit,
        name="appointment_edit",
    ),
    path(
        "jour/<int:jour_id>/stod/<int:case_id>/besok/<int:appointment_id>/stall-in/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
]
