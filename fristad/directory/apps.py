from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "fristad.directory"
    label = "directory"
