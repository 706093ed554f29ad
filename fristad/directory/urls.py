from django.urls import path

from fristad.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("sok/", views.search, name="search"),
    path("jourer/", views.jour_list, name="jour_list"),
    path("jour/<slug:slug>/", views.jour_detail, name="jour"),
    path("info/<slug:slug>/", views.info_page, name="info"),
    path("jourer.json", views.jourer_json, name="jourer_json"),
    path("kommuner.json", views.municipalities_json, name="municipalities_json"),
]
