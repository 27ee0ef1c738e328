"""Live chat between a customer and the business's operators.

One conversation per customer (its history is the customer's whole exchange with the business; closing it
and the customer writing again reopens it). Every message has a sequence number in its conversation, given
under a row lock of the conversation, and the id its sender's client made, unique in the conversation, so a
message sent twice (a reconnect, a retry) is stored once."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("chat conversation", "Open")
        CLOSED = "closed", pgettext_lazy("chat conversation", "Closed")

    # A conversation is the business's record: a customer who deletes the account is anonymised, not removed.
    customer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    # The operator serving it; None: it waits in the queue.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_chats")
    # The last sequence number given in this conversation (0: no message yet).
    last_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Since when the customer waits for an answer (their first message after the business's last); None: nobody
    # waits. The queue is ordered by it.
    waiting_since = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(last_seq__gte=0), name="chat_conversation_seq")]

    def __str__(self):
        return f"chat {self.pk}"


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        NOTE = "note", _("Private note")  # staff only; the customer never receives it
        EVENT = "event", _("Event")  # taken, transferred, closed: written by the system

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    client_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq"),
            models.UniqueConstraint(fields=["conversation", "client_id"], name="chat_message_client_id"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="chat_message_seq_positive"),
        ]

    def __str__(self):
        return f"message {self.seq} of chat {self.conversation_id}"


class ReadMark(models.Model):
    """How far a person has received (`delivered_seq`) and read (`read_seq`) a conversation."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delivered_seq = models.PositiveIntegerField(default=0)
    read_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="chat_read_mark_unique"),
            models.CheckConstraint(condition=Q(read_seq__lte=F("delivered_seq")), name="chat_read_not_past_delivered"),
        ]

    def __str__(self):
        return f"{self.user_id} read {self.read_seq} of chat {self.conversation_id}"


class Presence(models.Model):
    """Open chat sockets of a person, across every web process: online while `sockets` > 0 and the last
    heartbeat is recent (a process that died never said goodbye)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sockets = models.IntegerField(default=0)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id}: {self.sockets} sockets"


class CannedReply(models.Model):
    """A reply the business keeps ready for its operators."""

    title = models.CharField(_("title"), max_length=100, unique=True)
    body = models.TextField(_("text"), max_length=4000)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title
