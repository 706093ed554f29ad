"""Staff URLs of the housing app (under /personal/): the jour's side under
``boende/jour/<jour_id>/``, the caseworker's under ``boende/kommun/<code>/``."""

from django.urls import path

from fristad.housing import views

app_name = "housing"

urlpatterns = [
    path("boende/jour/<int:jour_id>/", views.jour_housing, name="jour_housing"),
    path("boende/jour/<int:jour_id>/enhet/ny/", views.unit_new, name="unit_new"),
    path("boende/jour/<int:jour_id>/enhet/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path(
        "boende/jour/<int:jour_id>/enhet/<int:unit_id>/platser/",
        views.unit_vacancies,
        name="unit_vacancies",
    ),
    path("boende/jour/<int:jour_id>/forfragningar/", views.jour_requests, name="jour_requests"),
    path(
        "boende/jour/<int:jour_id>/forfragningar/<int:item_id>/",
        views.jour_request,
        name="jour_request",
    ),
    path("boende/jour/<int:jour_id>/placeringar/", views.jour_placements, name="jour_placements"),
    path("boende/jour/<int:jour_id>/placeringar/ny/", views.jour_placement_new, name="jour_placement_new"),
    path(
        "boende/jour/<int:jour_id>/placeringar/<int:stay_id>/",
        views.jour_placement,
        name="jour_placement",
    ),
    path("boende/jour/<int:jour_id>/avvisade/", views.turned_away, name="turned_away"),
    path("boende/kommun/<str:code>/sok/", views.search, name="search"),
    path("boende/kommun/<str:code>/forfragan/", views.request_new, name="request_new"),
    path("boende/kommun/<str:code>/forfragningar/", views.requests, name="requests"),
    path(
        "boende/kommun/<str:code>/forfragningar/<int:request_id>/",
        views.request_detail,
        name="request",
    ),
]
