from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "fristad.chat"
    label = "chat"

    def ready(self) -> None:
        # The public pages (a lower layer) ask the chat whether anyone answers now.
        from fristad.chat.selectors import chat_status_for_jourer
        from fristad.directory import chatstatus

        chatstatus.register(chat_status_for_jourer)
