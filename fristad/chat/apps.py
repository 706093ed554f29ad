from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "fristad.chat"
    label = "chat"

    def ready(self) -> None:
        # The public pages (a lower layer) ask the chat whether anyone answers now.
        from fristad.chat.selectors import chat_metrics, chat_status_for_jourer
        from fristad.directory import chatstatus
        from fristad.ops.metrics import metrics_register

        chatstatus.register(chat_status_for_jourer)
        # The operator's metrics (a lower layer) ask for the queue's counts.
        metrics_register(chat_metrics)
